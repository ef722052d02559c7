"""Reading the server's own counters: fan-out and ads, before and after traffic."""

from __future__ import annotations

from loadtests.control.server_stats import read_server_stats
from tests.loadtests.conftest import SeededServer


def test_ad_counters_grow_with_the_ads_the_feed_serves(seeded_server: SeededServer) -> None:
    notes: list[str] = []
    before = read_server_stats(seeded_server.client, notes.append)
    population = seeded_server.population
    for account in population.ordinary:
        headers = {"Authorization": f"Bearer {population.tokens[account]}"}
        seeded_server.client.get("/timeline/home/feed", headers=headers)
    after = read_server_stats(seeded_server.client, notes.append)
    assert before.ads is not None and after.ads is not None and before.fanout is not None
    assert after.ads.impressions > before.ads.impressions
    assert notes == []


def test_a_server_that_does_not_answer_leaves_its_counters_out(
    seeded_server: SeededServer,
) -> None:
    """Without the operator token the server refuses: reported, not raised."""
    notes: list[str] = []
    client = seeded_server.client
    client.headers.pop("Authorization")
    stats = read_server_stats(client, notes.append)
    assert stats.fanout is None and stats.ads is None
    assert len(notes) == 2 and "GET /admin/stats/ads" in notes[1]
