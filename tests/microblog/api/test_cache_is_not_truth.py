"""Redis is a cache, never the truth: lose its data and a server process mid-load, lose nothing.

The issue's acceptance 4. `fanout serve --workers 2 --fanout-workers 1` on PostgreSQL and
Redis takes a mixed load (posts, home reads, chat over HTTP, one-fen gifts, a WebSocket
that acknowledges pushes). Mid-load the run's Redis data goes, and one uvicorn process is
SIGKILLed (its supervisor may start another; either is fine). Afterwards everything the
server acknowledged is there: each post readable and in every follower's home timeline
exactly once (rebuilt lazily on read, and again by the operator command), each chat
message once in its conversation, each message to the socket holder pushed to it or
waiting in its backlog, each gift key paid once, and the ledger audit balances. No request
got a 5xx (the killed process's in-flight requests fail as connection errors, which the
load retries when it has a key to retry with).

"Redis's data goes" is the run's keys, deleted by prefix (`CacheTier.flush`): a literal
FLUSHDB would also wipe the other users of database 0 sharing this Redis server. To the
platform the two are the same: every key it has is gone.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from loadtests.control.backlog import read_backlog
from loadtests.records.chat_wire import open_socket
from loadtests.records.deliveries import message_key
from microblog.cache import CacheTier
from tests.backends import REDIS_URL, redis_cache, store_url
from tests.microblog.api.mixed_load import Acknowledged, Member, MixedLoad
from tests.microblog.api.servers import OPERATOR, Server, fanout_serve

pytestmark = pytest.mark.slow

MEMBERS = 30
FRIENDS_EACH_SIDE = 3
"""Member i and members i±1..3 (round the ring) follow each other: 6 mutual friends each."""
CREDIT_FEN = 10_000
"""Every member's starting wallet: far more than the one-fen gifts of a run can spend."""
LOAD_THREADS = 3
FLUSH_AFTER = 120
"""Requests acknowledged before the run's Redis keys are deleted."""
KILL_AFTER = 240
"""Requests acknowledged before one server process is SIGKILLed."""
STOP_AFTER = 480
"""Requests acknowledged before the load stops (bounds the run: a few seconds here)."""
PHASE_TIMEOUT_S = 90.0
"""Longest wait for each phase's acknowledgements: a guard against a hung load, not a speed
check (2 cores shared with the other test worker; at a load average of 20 one phase took
longer than 30 s)."""
SETTLE_TIMEOUT_S = 30.0
"""Longest wait for the fan-out worker to deliver every acknowledged post."""
PAGE = 100
"""Items per page when reading whole timelines and conversations (the API's maximum)."""
OPERATOR_HEADERS = {"Authorization": f"Bearer {OPERATOR}"}


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[str, CacheTier]]:
    """A fresh PostgreSQL schema and Redis prefix: (store URL, the run's cache tier)."""
    with store_url("postgres", tmp_path) as store, redis_cache() as tier:
        yield store, tier


def test_losing_redis_and_a_server_process_mid_load_loses_nothing_acknowledged(
    shared: tuple[str, CacheTier], tmp_path: Path
) -> None:
    store, tier = shared
    with (
        fanout_serve(
            store, REDIS_URL, tier.prefix, tmp_path / "serve.log", workers=2, fanout_workers=1
        ) as server,
        httpx.Client(base_url=server.base_url, timeout=30.0) as client,
    ):
        members = seed_members(client)
        load = MixedLoad(server.base_url, members, holder=members[0])
        seen = run_with_chaos(load, server, tier)

        assert not [status for status in seen.statuses if status >= 500], seen.statuses
        assert seen.posts and seen.chats and seen.gifts
        assert_posts_readable(client, members, seen)
        assert_home_timelines(client, members, seen, settle_timeout_s=SETTLE_TIMEOUT_S)
        operator(client, "/admin/timelines/rebuild", {})
        assert_home_timelines(client, members, seen, settle_timeout_s=0.0)
        assert_chats_kept(client, members, seen)
        assert_socket_holder_got_its_messages(server, load.holder, seen)
        assert_gifts_paid_once(client, members, seen)
        audit = client.get("/admin/ledger/audit", headers=OPERATOR_HEADERS).json()
        assert audit["balanced"], audit


def seed_members(client: httpx.Client) -> list[Member]:
    """MEMBERS accounts on a ring of mutual follows, each wallet credited CREDIT_FEN."""
    accounts = {"accounts": [{"name": f"member{n}"} for n in range(MEMBERS)]}
    seeded = operator(client, "/admin/seed/accounts", accounts)
    ids = [a["id"] for a in seeded]
    ring = [
        tuple(
            ids[(n + step) % MEMBERS]
            for step in range(-FRIENDS_EACH_SIDE, FRIENDS_EACH_SIDE + 1)
            if step
        )
        for n in range(MEMBERS)
    ]
    operator(
        client,
        "/admin/seed/follows",
        {"edges": [[a, b] for a, fs in zip(ids, ring, strict=True) for b in fs]},
    )
    credits = [{"account_id": i, "amount_fen": CREDIT_FEN} for i in ids]
    operator(client, "/admin/seed/wallets", {"credits": credits})
    return [Member(a["id"], a["token"], friends) for a, friends in zip(seeded, ring, strict=True)]


def operator(client: httpx.Client, path: str, body: object) -> Any:
    response = client.post(path, json=body, headers=OPERATOR_HEADERS)
    assert response.is_success, response.text
    return response.json()


def run_with_chaos(load: MixedLoad, server: Server, tier: CacheTier) -> Acknowledged:
    """Run the load; delete the run's Redis keys after FLUSH_AFTER acknowledged requests,
    SIGKILL one uvicorn process after KILL_AFTER, stop after STOP_AFTER."""
    seen = load.seen
    threads = load.run(LOAD_THREADS)
    try:
        assert seen.wait_for(FLUSH_AFTER, PHASE_TIMEOUT_S), f"too slow: {seen.statuses}"
        assert tier.flush() > 0, "the run had keys in Redis to lose"
        assert seen.wait_for(KILL_AFTER, PHASE_TIMEOUT_S), f"too slow: {seen.statuses}"
        (victim, _) = server.http_workers()
        victim.kill()  # SIGKILL: no shutdown, in-flight requests die with it
        assert seen.wait_for(STOP_AFTER, PHASE_TIMEOUT_S), f"too slow: {seen.statuses}"
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(PHASE_TIMEOUT_S)
    return seen


def pages(client: httpx.Client, path: str, member: Member) -> list[dict[str, Any]]:
    """Every item of a paginated listing, following `next_cursor` to the end."""
    items: list[dict[str, Any]] = []
    params: dict[str, str | int] = {"limit": PAGE}
    while True:
        response = client.get(path, params=params, headers=member.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        params["cursor"] = page["next_cursor"]


def assert_posts_readable(client: httpx.Client, members: list[Member], seen: Acknowledged) -> None:
    reader = members[0]
    for post_id, author_id in seen.posts.items():
        response = client.get(f"/posts/{post_id}", headers=reader.headers)
        assert response.status_code == 200, f"post {post_id}: {response.text}"
        assert response.json()["author_id"] == author_id


def expected_homes(members: list[Member], seen: Acknowledged) -> dict[int, set[int]]:
    """Each member's acknowledged posts that belong in its home: its own and its friends'."""
    by_author: dict[int, set[int]] = {m.id: set() for m in members}
    for post_id, author_id in seen.posts.items():
        by_author[author_id].add(post_id)
    return {m.id: by_author[m.id].union(*(by_author[f] for f in m.friends)) for m in members}


def assert_home_timelines(
    client: httpx.Client, members: list[Member], seen: Acknowledged, settle_timeout_s: float
) -> None:
    """Every home timeline holds each acknowledged post it should, exactly once (waiting up
    to `settle_timeout_s` for the fan-out worker to deliver the last posts)."""
    expected = expected_homes(members, seen)
    deadline = time.monotonic() + settle_timeout_s
    while True:
        homes = {
            m.id: Counter(p["id"] for p in pages(client, "/timeline/home", m)) for m in members
        }
        missing = {owner: ids - homes[owner].keys() for owner, ids in expected.items()}
        if not any(missing.values()) or time.monotonic() >= deadline:
            break
    assert not any(missing.values()), f"acknowledged posts missing from homes: {missing}"
    twice = {owner: [i for i, n in home.items() if n > 1] for owner, home in homes.items()}
    assert not any(twice.values()), f"posts twice in a home timeline: {twice}"


def assert_chats_kept(client: httpx.Client, members: list[Member], seen: Acknowledged) -> None:
    by_id = {m.id: m for m in members}
    conversations = {chat.conversation for chat in seen.chats.values()}
    stored: Counter[int] = Counter()
    for conversation in conversations:
        low = int(conversation.split("-")[1])
        history = pages(client, f"/chat/conversations/{conversation}/messages", by_id[low])
        stored.update(m["id"] for m in history)
        keys = Counter(m["client_msg_id"] for m in history)
        assert max(keys.values()) == 1, f"a client_msg_id stored twice in {conversation}"
    counts = {key: stored[chat.message_id] for key, chat in seen.chats.items()}
    assert set(counts.values()) == {1}, f"acknowledged messages not stored once: {counts}"


def assert_socket_holder_got_its_messages(
    server: Server, holder: Member, seen: Acknowledged
) -> None:
    """Every acknowledged message to the holder reached it: pushed to the socket it held, or
    waiting for its next connection (pushed before an ack reached a process that died)."""
    to_holder = {
        message_key(chat.conversation, key)
        for key, chat in seen.chats.items()
        if chat.recipient_id == holder.id
    }
    with closing(open_socket(server.base_url, holder.token)) as socket:
        backlog = set(read_backlog(socket))
    assert to_holder, "the load sent the holder messages"
    assert to_holder <= seen.pushed.keys() | backlog


def assert_gifts_paid_once(client: httpx.Client, members: list[Member], seen: Acknowledged) -> None:
    """Each key's retry replays its transfer, and each wallet moved once per key."""
    by_id = {m.id: m for m in members}
    balances = {m.id: CREDIT_FEN for m in members}
    for key, gift in seen.gifts.items():
        sender = by_id[gift.sender_id]
        retried = client.post(
            f"/wallets/{sender.id}/gifts",
            json={"recipient_id": gift.recipient_id, "amount_fen": 1},
            headers={**sender.headers, "Idempotency-Key": key},
        )
        assert retried.status_code == 201 and retried.json()["id"] == gift.transfer_id, key
        balances[gift.sender_id] -= 1
        balances[gift.recipient_id] += 1
    for member in members:
        wallet = client.get(f"/wallets/{member.id}", headers=member.headers).json()
        assert wallet["balance_fen"] == balances[member.id], member.id
