"""Messages reach their target in (send_time, source_shard, source_seq) order, counted."""

from __future__ import annotations

from sim.shards.messages import Outbox, route


def test_inboxes_are_in_total_order_whatever_order_the_shards_reported_in() -> None:
    a, b = Outbox(0), Outbox(1)
    a.send(2.0, 2, "like", (1, 10))
    a.send(1.0, 2, "follow", (1, 5))
    b.send(1.0, 2, "post", ("p",))
    b.send(0.5, 0, "friend", (3, 0))
    first, second = a.take(), b.take()
    inboxes = route([first, second], 3)
    assert inboxes == route([second, first], 3)
    assert [(m.send_time, m.source_shard, m.kind) for m in inboxes[2]] == [
        (1.0, 0, "follow"), (1.0, 1, "post"), (2.0, 0, "like"),
    ]  # fmt: skip
    assert [m.kind for m in inboxes[0]] == ["friend"]
    assert inboxes[1] == []


def test_an_outbox_counts_by_kind_and_pair_and_starts_each_window_empty() -> None:
    box = Outbox(1)
    box.send(0.0, 0, "post", ())
    box.send(0.1, 0, "post", ())
    box.send(0.2, 2, "post", ())
    assert len(box.take()) == 3
    assert box.take() == []
    assert box.sent == {("post", 1, 0): 2, ("post", 1, 2): 1}
