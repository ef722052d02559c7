"""A replayed join that comes while its room's start is still on its way waits for the start,
as the trace has it first, instead of finding the room "not started".

Run in a child interpreter (`child.run_child`).
"""

from __future__ import annotations

import textwrap

from tests.loadtests.generator.users.child import run_child

JOIN_DURING_A_SLOW_START = textwrap.dedent(
    """
    import gevent
    from gevent.event import Event
    from loadtests.generator.users import replay_live

    class Response:
        status_code = 201
        @staticmethod
        def json():
            return {"id": 7}

    class Client:
        @staticmethod
        def post(url, json, headers, name):
            gevent.sleep(0.2)  # a busy server: longer than the trace's gap to the join
            return Response()

    class World:
        rooms, room_of, rooms_starting, room_started = [], {}, 0, Event()

    def turn(params):
        user = type("User", (), {"client": Client})
        return type("Turn", (), {"world": World, "params": params, "user": user,
                                 "headers": {}})

    starting = gevent.spawn(replay_live.start, turn({"title": "on air"}))
    gevent.sleep(0.01)  # the start is on its way
    print(replay_live._room(turn({"room_id": 1})), World.rooms_starting)
    starting.get()
    """
)


def test_a_join_during_its_rooms_slow_start_waits_for_the_start() -> None:
    stdout = run_child(JOIN_DURING_A_SLOW_START)
    assert stdout.strip() == "7 0"
