"""Photos and live broadcasts in the simulator: what the metrics say is what the microblog
stored and the ledger moved, the tilt favours V anchors, and runs are reproducible."""

from __future__ import annotations

from collections.abc import Callable

from microblog.money_models import LedgerKind
from scenario import Scenario
from sim.population import Kind

from .conftest import run_once

LIVE = {"rooms_per_day": 200.0, "follower_viewer_share": 0.5, "list_viewers": 10.0}
PHOTOS = {"post_share": 1.0, "photos_per_post": [2.0, 2.0], "image_px": [64, 48]}


def media_and_live(tiny: Callable[..., Scenario], **live: object) -> Scenario:
    return tiny(
        duration_days=0.1,
        behaviour={"per_session": {"post": 0.5}, "photos": PHOTOS, "live": {**LIVE, **live}},
    )


def test_photo_metrics_are_what_the_media_store_holds(tiny: Callable[..., Scenario]) -> None:
    simulation, outcome = run_once(media_and_live(tiny))
    photos = outcome.metrics["media.photos"][0]
    assert photos > 0
    blog = simulation.world.blog
    with blog.store.read() as tx:
        stored = tx.albums.photos(list(range(1, int(photos) + 1)))
    assert len(stored) == photos
    held = sum(p.size_bytes + p.thumbnail_bytes for p in stored.values())
    assert outcome.metrics["media.bytes_stored"][0] == held
    assert outcome.metrics["media.egress_bytes"][0] > 0
    assert outcome.metrics["latency.photo_upload.p99_ms"][0] > 0


def test_live_metrics_match_the_rooms_and_the_ledger(tiny: Callable[..., Scenario]) -> None:
    simulation, outcome = run_once(media_and_live(tiny, gift_share=1.0))
    metrics = outcome.metrics
    blog, world = simulation.world.blog, simulation.world
    with blog.store.read() as tx:
        rooms = [r for i in range(1, 10_000) if (r := tx.live.get(i))]
        platform = tx.ledger.find(LedgerKind.PLATFORM, 0)
    assert metrics["live.rooms"][0] == len(rooms) > 0
    assert metrics["live.comments"][0] == sum(r.comment_count for r in rooms)
    assert metrics["live.viewers.peak"][0] == max(r.peak_viewers for r in rooms) > 0
    gift_fen = sum(r.gift_fen for r in rooms)
    assert gift_fen > 0 and metrics["revenue.live"][0] > 0
    assert platform is not None and platform.balance_fen >= metrics["revenue.live"][0] * 100
    assert metrics["live.delivery.p99_ms"] == metrics["latency.live_comment.p99_ms"]
    assert "revenue.live" in {k for k in metrics if k.startswith("revenue.")}
    anchors = [world.population.kind[world.row(r.anchor_id)] for r in rooms]
    verified = sum(kind in (Kind.BIG_V, Kind.MEDIUM_V) for kind in anchors)
    share_of_v = (
        (world.population.kind == Kind.BIG_V) | (world.population.kind == Kind.MEDIUM_V)
    ).mean()
    assert verified / len(anchors) > 2 * share_of_v  # the tilt: V anchors far above their share
    assert blog.ledger.audit().balanced


def test_switched_off_live_reports_no_live_metrics(tiny: Callable[..., Scenario]) -> None:
    _, outcome = run_once(media_and_live(tiny, rooms_per_day=0.0))
    assert not any(name.startswith("live.") for name in outcome.metrics)
    assert "revenue.live" not in outcome.metrics


def test_same_seed_same_media_and_live_numbers(tiny: Callable[..., Scenario]) -> None:
    scenario = media_and_live(tiny, gift_share=0.5)
    first, second = run_once(scenario)[1].metrics, run_once(scenario)[1].metrics
    for name in ("media.bytes_stored", "media.egress_bytes", "live.comments", "revenue.live"):
        assert first[name] == second[name]


def premiere_peak(tiny: Callable[..., Scenario], join_window_share: float) -> float:
    """Peak viewers of one 60-minute premiere of 150 list viewers who each watch 10 min."""
    live = {
        "rooms_per_day": 0.0, "follower_viewer_share": 0.0, "duration_min": [60.0, 60.0],
        "watch_min": [10.0, 10.0], "comments_per_viewer": 0.0, "gift_share": 0.0,
        "join_window_share": join_window_share,
    }  # fmt: skip
    premiere = {"kind": "live_premiere", "at_hours": 0.1, "count": 150}
    scenario = tiny(duration_days=0.1, behaviour={"live": live}, events=[premiere])
    return run_once(scenario)[1].metrics["live.viewers.peak"][0]


def test_viewers_arriving_early_are_there_at_once(tiny: Callable[..., Scenario]) -> None:
    """Concurrency is about viewers x watch time / arrival span: spread over the hour, a
    sixth of the room (a few more at the busiest moment); within its first 5 minutes
    (shorter than a watch), all 150 at once."""
    spread, early = premiere_peak(tiny, 1.0), premiere_peak(tiny, 1 / 12)
    assert spread <= 0.35 * 150
    assert early >= 0.95 * 150
