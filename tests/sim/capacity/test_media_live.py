"""The plan's media/egress and live fan-out stations, against the arithmetic they stand for
(with a negative control: doubling the bytes or the push cost must change the answer)."""

from __future__ import annotations

import numpy as np
import pytest

from outcomes.slo import parse_slo
from scenario.capacity import CapacityConfig
from sim.capacity.demand import MeanWork
from sim.capacity.media_live import live_plan, media_plan
from sim.capacity.workload import MediaBytes, Workload


def workload(
    stored: float, served: float, comments_per_s: float, pushes: float, uploads_per_s: float = 0.0
) -> Workload:
    rates = {"live_comment": comments_per_s, "timeline_read": 100.0}
    if uploads_per_s:
        rates["photo_upload"] = uploads_per_s
    works = {"live_comment": MeanWork(pushes=pushes), "timeline_read": MeanWork(pushes=50.0)}
    works["photo_upload"] = MeanWork(db_writes=2.0)
    return Workload(
        users=1000,
        sessions_per_s=1.0,
        rates=rates,
        works=works,
        covariances={path: np.zeros((7, 7)) for path in rates},
        largest_followers=0.0,
        largest_fanout=0.0,
        media_per_s=MediaBytes(stored, served),
    )


def test_storage_per_day_and_egress_links() -> None:
    config = CapacityConfig(egress_link_gbps=10.0, egress_max_utilisation=0.5)
    # 2**30 bytes/s stored at a peak 2x the mean: half of that over 86 400 s a day
    planned = media_plan(config, workload(2.0**30, 2.5e9, 0.0, 0.0), peak_factor=2.0)
    assert planned.storage_gib_per_day == pytest.approx(43_200.0)
    assert planned.egress_gbit_s == pytest.approx(20.0)
    assert planned.egress_links == 4  # 20 Gbit/s over links filled to 5 Gbit/s
    assert planned.egress_utilisation == pytest.approx(0.5)
    doubled = media_plan(config, workload(2.0**30, 5e9, 0.0, 0.0), peak_factor=2.0)
    assert doubled.egress_links == 8


def test_thumbnail_servers_grow_with_the_upload_rate() -> None:
    config = CapacityConfig(thumbnail_ms=20.0, thumbnail_max_utilisation=0.5)
    # 300 uploads/s x 20 ms = 6 cores busy; at most half busy each: 12 servers
    planned = media_plan(config, workload(0.0, 0.0, 0.0, 0.0, uploads_per_s=300.0), 2.0)
    assert planned.thumbnails_per_s == 300.0
    assert planned.thumbnail_cores == pytest.approx(6.0)
    assert planned.thumbnail_servers == 12
    assert planned.thumbnail_utilisation == pytest.approx(0.5)
    doubled = media_plan(config, workload(0.0, 0.0, 0.0, 0.0, uploads_per_s=600.0), 2.0)
    assert doubled.thumbnail_servers == 24
    assert media_plan(config, workload(0.0, 0.0, 0.0, 0.0), 2.0).thumbnail_servers == 0


def test_live_servers_count_only_live_pushes_and_the_room_bound_follows_the_slo() -> None:
    config = CapacityConfig(push_ms=0.1, live_max_utilisation=0.5)
    # 100 comments/s to 1000 viewers: 1e5 pushes/s x 0.1 ms = 10 busy servers, at 50 %: 20
    planned = live_plan(config, workload(0, 0, 100.0, 1000.0), [])
    assert planned.pushes_per_s == pytest.approx(1e5)
    assert planned.servers == 20 and planned.utilisation == pytest.approx(0.5)
    assert planned.largest_room == int(config.live_delivery_slo_ms / 0.1)
    tight = live_plan(
        config, workload(0, 0, 100.0, 1000.0), [parse_slo("live.delivery.p99_ms<=50")]
    )
    assert tight.largest_room == 500
    costly = live_plan(
        CapacityConfig(push_ms=0.2, live_max_utilisation=0.5), workload(0, 0, 100.0, 1000.0), []
    )
    assert costly.servers == 40 and costly.largest_room == planned.largest_room // 2
    assert live_plan(config, workload(0, 0, 0.0, 0.0), []).servers == 0
