"""Chat, presence, pushes, photos, app polls, live rooms and fan services across two shards.

Most tests drive two `Shard`s in this process through the executor's window protocol
(`two_shards`, ad allowances granted as the driver does), so each shard's store can be read
afterwards: every chat message must be in exactly one inbox, its recipient's shard's.
Determinism is checked on Ray, as runs are.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from sim.activities.apps import Apps
from sim.arrivals import SECONDS_PER_HOUR
from sim.engine import EPOCH, Simulation
from sim.runner import Parallelism, Populations, replication_streams, simulate
from tests.sim.shards.conftest import TwoShards, social_ci_smoke, two_shards

pytestmark = pytest.mark.slow

SMALL = (
    "population.users=600", "duration_days=0.1", "sharding.window_s=5",
    "behaviour.per_session.chat=0.5", "behaviour.live.rooms_per_day=200",
    "population.medium_v_share=0.02", "behaviour.fanservice.open_share=1",
)  # fmt: skip
"""600 accounts for 2.4 evening hours, chatting in half their sessions, a dozen live rooms
and a dozen fan services: a few hundred chat messages, in seconds."""


@pytest.fixture(scope="module")
def run() -> TwoShards:
    return two_shards(social_ci_smoke(*SMALL))


def test_every_message_of_every_new_kind_is_sent_and_applied(run: TwoShards) -> None:
    assert run.sent == run.applied
    kinds = {kind for kind, _, _ in run.sent}
    assert {"chat", "presence", "push", "photo", "subscribe"} <= kinds
    assert {(source, target) for kind, source, target in run.sent if kind == "chat"} == {
        (0, 1),
        (1, 0),
    }


def test_a_post_id_names_the_same_post_on_every_shard_from_the_first_window_on() -> None:
    """A window as long as the run: every post is made before the first barrier, where
    ids used to restart apart, so shards that counted from the seeded id alike gave the
    same ids to different posts (and a like reached a post its liker never saw)."""
    scenario = social_ci_smoke(*SMALL, "sharding.window_s=9000")
    run = two_shards(scenario)
    posts = [run.data(shard).posts for shard in range(2)]
    began = EPOCH + scenario.start_hour * SECONDS_PER_HOUR
    made = [post for post in posts[0].values() if post.created_at > began]
    assert len(made) > 50
    for post_id in posts[0].keys() & posts[1].keys():
        mine, theirs = posts[0][post_id], posts[1][post_id]
        assert (mine.author_id, mine.text, mine.group_id) == (
            theirs.author_id,
            theirs.text,
            theirs.group_id,
        ), post_id


def test_each_chat_message_is_in_exactly_one_inbox_its_recipients_shards(run: TwoShards) -> None:
    """Inboxes list what is undelivered or unread: with nothing ever read, every message,
    delivered or not, stays unread once, on the recipient's shard and nowhere else."""
    sent = Counter[tuple[int, int, str]]()
    inboxes = Counter[tuple[int, int, str]]()
    for shard in range(2):
        chat = run.data(shard).chat
        for message_id in range(1, len(chat.messages.texts) + 1):
            message = chat.messages[message_id]
            assert message.recipient_id is not None
            if run.owner_of(message.sender_id) == shard:
                sent[message.sender_id, message.recipient_id, message.text] += 1
        for recipient, conversations in chat.unread.items():
            for ids in conversations.values():
                for message_id in ids:
                    assert run.owner_of(recipient) == shard, "an inbox entry on a foreign shard"
                    message = chat.messages[message_id]
                    inboxes[message.sender_id, recipient, message.text] += 1
    crossing = [key for key in sent if run.owner_of(key[0]) != run.owner_of(key[1])]
    assert len(crossing) > 20
    assert inboxes == sent
    assert run.metric("chat.sent") == sum(sent.values())


def test_the_backlog_is_the_messages_left_undelivered_on_the_recipients_shards(
    run: TwoShards,
) -> None:
    undelivered = sum(
        len(waiting)
        for shard in range(2)
        for recipient, waiting in run.data(shard).chat.undelivered.items()
        if run.owner_of(recipient) == shard
    )
    assert undelivered == run.metric("chat.backlog") > 0


def test_a_shard_sees_another_shards_connected_accounts_as_of_the_last_barrier(
    run: TwoShards,
) -> None:
    for shard in range(2):
        other = run.shards[1 - shard].simulation
        connected_there = set(other.switchboard.hub.counts())
        assert run.shards[shard].simulation.switchboard.remote == connected_there


def test_pushes_land_in_their_accounts_shards_outboxes_and_photos_everywhere(
    run: TwoShards,
) -> None:
    for shard in range(2):
        data = run.data(shard)
        owners = {
            run.owner_of(p.account_id) for box in data.push.by_device.values() for p in box.values()
        }
        assert owners == {shard}
        photos = {i for i in data.media.photos}
        other = {i for i in run.data(1 - shard).media.photos}
        assert photos == other and photos


def test_app_polls_run_on_both_shards_and_their_posts_reach_every_shard(run: TwoShards) -> None:
    """Both shards draw the same (app, user) pairs and poll those whose user they own."""
    users = [
        [grant.account_id for grant in apps.grants]
        for shard in run.shards
        for apps in shard.simulation.schedules
        if isinstance(apps, Apps)
    ]
    assert len(users) == 2 and users[0] == users[1]
    assert all(f.outcome.metrics["apps.requests"][0] > 0 for f in run.finished)
    app_posts = [
        {i for i, post in run.data(shard).posts.items() if post.text.startswith("shared with")}
        for shard in range(2)
    ]
    assert app_posts[0] == app_posts[1] and app_posts[0]


def test_live_rooms_stay_on_their_anchors_shards_and_their_announcements_go_everywhere(
    run: TwoShards,
) -> None:
    """Another shard's room is held here only as a copy for a viewer's gift, never on air."""
    for shard in range(2):
        live = run.data(shard).live
        rooms = [room for room in live.rooms.values() if run.owner_of(room.anchor_id) == shard]
        copies = live.rooms.keys() - {room.id for room in rooms}
        assert rooms and not copies & set(live.on_air.values())
        for other in range(2):
            assert all(room.announcement_id in run.data(other).posts for room in rooms)
    peaks = [f.outcome.metrics["live.viewers.peak"][0] for f in run.finished]
    assert all(peak > 0 for peak in peaks)


def test_fan_services_are_the_same_on_both_shards_and_each_subscription_reaches_its_service(
    run: TwoShards,
) -> None:
    services = [run.data(shard).fanservice.services for shard in range(2)]
    assert services[0].keys() == services[1].keys() and services[0]
    owned = sum(f.outcome.metrics["fanservice.services"][0] for f in run.finished)
    assert owned == len(services[0])
    for shard in range(2):
        subscribers = run.data(shard).fanservice.subscribers
        for account_id in services[shard]:
            if run.owner_of(account_id) == shard:
                other = run.data(1 - shard).fanservice.subscribers[account_id]
                mine = [s for s in subscribers[account_id] if run.owner_of(s) == 1 - shard]
                assert set(other) <= set(subscribers[account_id]), "a subscription lost"
                assert set(mine) == {s for s in other if run.owner_of(s) == 1 - shard}


@pytest.mark.usefixtures("ray_cluster")
def test_two_shards_with_every_carried_activity_give_byte_identical_metrics() -> None:
    scenario = social_ci_smoke(*SMALL)
    first = simulate(scenario, parallel=Parallelism(shards=2)).result
    second = simulate(scenario, parallel=Parallelism(shards=2)).result
    assert first.model_dump_json(include={"metrics"}) == second.model_dump_json(include={"metrics"})
    for name in ("chat.sent", "media.photos", "apps.requests", "live.comments",
                 "fanservice.deliveries", "push.sent"):  # fmt: skip
        assert first.metrics[name].value > 0, name
    live, sent = first.metrics["chat.delivered_live"].value, first.metrics["chat.sent"].value
    assert first.metrics["chat.delivered_live_share"].value == live / sent  # from the sums


def test_two_shards_deliver_live_about_the_share_one_shard_does() -> None:
    """Each of 8 replications run unsharded and on two shards (same population, other
    behaviour draws), at the default window (1 s). The share moves a lot between runs
    (the 6 messages of a chat go to one friend, online or not: the per-replication paired
    difference had a standard deviation of 0.11, so its mean over 8 one near 0.04; its
    mean was -0.036), so the bound is 0.12, about 3 of those: loose, but it fails if
    cross-shard messages, about half of all, were never delivered live (a drop near 0.25)
    or were delivered twice. A systematic difference of a few points it cannot resolve."""
    scenario = social_ci_smoke(*SMALL, "sharding.window_s=1")
    differences = []
    for seeds in replication_streams(scenario.seed, 8):
        drawn, population = Populations(scenario).draw(seeds[0])
        one = Simulation(drawn, population, seeds[1]).run().metrics
        two = two_shards(scenario, seeds)
        shared = two.metric("chat.delivered_live") / two.metric("chat.sent")
        differences.append(shared - one["chat.delivered_live_share"][0])
    assert abs(float(np.mean(differences))) < 0.12
