"""Live rooms across server processes sharing a store and a Redis tier: a viewer connected
to either process is pushed every comment and gift of the room once, whichever process it
was made through, and the room's end lets every viewer go."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from microblog.live_models import LiveComment, LiveGift, RoomEnded
from microblog.platform import Microblog
from microblog.services.live_rooms import LiveInbox
from tests.microblog.conftest import people
from tests.microblog.money_helpers import fund, key
from tests.microblog.processes import server_processes, wait_until


@pytest.fixture(params=["sqlite", "postgres"])
def two(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[Microblog]]:
    with server_processes(str(request.param), tmp_path) as blogs:
        yield blogs


def comment_ids(inbox: LiveInbox) -> list[int]:
    return [e.id for e in inbox.events if isinstance(e, LiveComment)]


def test_comments_through_either_process_reach_every_viewer_once(two: list[Microblog]) -> None:
    a, b = two
    anchor, ann, bob = people(a, "anchor", "ann", "bob")
    fund(a, ann.id, 1000)
    room = a.live.start(anchor.id, "across")
    here, there = LiveInbox(), LiveInbox()
    a.live.join(ann.id, room.id, here)
    b.live.join(bob.id, room.id, there)
    with ThreadPoolExecutor(4) as pool:
        said = list(
            pool.map(lambda n: (a, b)[n % 2].live.comment(ann.id, room.id, f"c{n}"), range(40))
        )
    gift = b.live.gift(ann.id, room.id, 300, idempotency_key=key())
    expected = sorted(c.id for c in said)
    for inbox in (here, there):
        wait_until(lambda inbox=inbox: len(comment_ids(inbox)) >= 40, "every comment arrived")
        wait_until(
            lambda inbox=inbox: any(isinstance(e, LiveGift) for e in inbox.events), "the gift"
        )
    for inbox in (here, there):
        assert sorted(comment_ids(inbox)) == expected  # none lost, none twice
        assert [e for e in inbox.events if isinstance(e, LiveGift)] == [gift]
    a.live.end(anchor.id, room.id)
    wait_until(lambda: isinstance(there.events[-1], RoomEnded), "the other process's viewer")
    assert b.live.hub.viewers_here(room.id) == 0
