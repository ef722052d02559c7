"""A replayed action that needs the answer of one still on its way (a join after its room's
slow start, an upload after its album's slow creation, a thumbnail read after its photo's
slow upload) waits for that answer, as the trace has it first, instead of finding the room
"not started", no album or no photo uploaded.

Each case runs in a child interpreter (`child.run_child`): a slow server answers after
0.2 s, and the dependent action is sent 0.01 s after the first.
"""

from __future__ import annotations

import textwrap

from tests.loadtests.generator.users.child import run_child

SLOW_SERVER = textwrap.dedent(
    """
    import gevent
    from loadtests.generator.users import replay_live, replay_media
    from loadtests.generator.users.replay_turn import OnTheirWay, Seen

    class Response:
        status_code = 201
        @staticmethod
        def json():
            return {"id": 7}

    class Client:
        @staticmethod
        def post(url, headers, name, json=None, data=None):
            gevent.sleep(0.2)  # a busy server: longer than the trace's gap to what follows
            return Response()

    class World:
        rooms, room_of, photos = [], {}, []
        starts, uploads = OnTheirWay(), OnTheirWay()

    def turn(params, seen=Seen(album=3)):
        behaviour = type("Behaviour", (), {"photos": type("Photos", (), {"image_px": (8, 8)})})
        scenario = type("Scenario", (), {"behaviour": behaviour})
        user = type("User", (), {"client": Client, "scenario": scenario})
        return type("Turn", (), {"world": World, "params": params, "user": user,
                                 "headers": {}, "seen": seen})

    def first_then(first, then):
        sending = gevent.spawn(first)
        gevent.sleep(0.01)  # the first is on its way
        print(then(), World.starts.count, World.uploads.count)
        sending.get()
    """
)


def test_a_join_during_its_rooms_slow_start_waits_for_the_start() -> None:
    script = SLOW_SERVER + textwrap.dedent(
        """
        first_then(lambda: replay_live.start(turn({"title": "on air"})),
                   lambda: replay_live._room(turn({"room_id": 1})))
        """
    )
    assert run_child(script).split() == ["7", "0", "0"]


def test_a_photo_read_during_its_photos_slow_upload_waits_for_the_upload() -> None:
    script = SLOW_SERVER + textwrap.dedent(
        """
        first_then(lambda: replay_media.upload(turn({"bytes": 9000})),
                   lambda: replay_media._newest(turn({"photo_ids": [1]}), 1))
        """
    )
    assert run_child(script).split() == ["[7]", "0", "0"]


def test_an_upload_during_its_albums_slow_creation_waits_for_the_album() -> None:
    script = SLOW_SERVER + textwrap.dedent(
        """
        seen = Seen()
        first_then(lambda: replay_media.create_album(turn({"name": "photos"}, seen)),
                   lambda: (replay_media.upload(turn({"bytes": 9000}, seen)), World.photos))
        """
    )
    assert run_child(script).split() == ["(None,", "[7])", "0", "0"]
