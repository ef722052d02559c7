"""The catalogue of stable metric names: unit, meaning, and which direction is better.

CI gates are written against these names, so a name never changes meaning once published.
Which way is better follows from the name's family (`latency.*` lower, `revenue.*` higher),
so a new metric in a known family is gated correctly without touching this file.
`docs/metrics.md` is rendered from this catalogue: `python -m outcomes.metrics > docs/metrics.md`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

from outcomes.paths import LATENCY_PATHS, paths_markdown

Direction = Literal["lower", "higher"]

DIRECTION_RULES: tuple[tuple[str, Direction], ...] = (
    ("latency.*", "lower"),
    ("response.*", "lower"),
    ("errors.*", "lower"),
    ("fanout.lag.*", "lower"),
    ("loadgen.*", "lower"),
    ("replay.*", "lower"),
    ("fanout.deliveries", "lower"),
    ("fanout.backlog", "lower"),
    ("fanservice.pending", "lower"),
    ("users.churned", "lower"),
    ("utilization.*", "lower"),
    ("revenue.*", "higher"),
    ("commerce.*", "higher"),
    ("users.*", "higher"),
    ("throughput.*", "higher"),
    ("requests.*", "higher"),  # a mix share describes the load; neither way is a regression
    ("ads.overspend*", "lower"),
    ("ads.*", "higher"),
    ("chat.sent", "higher"),
    ("chat.delivered_live", "higher"),
    ("chat.delivered_live_share", "higher"),
    ("chat.*", "lower"),
    ("payments.audit_balanced", "higher"),
    ("payments.calls", "higher"),
    ("payments.retries", "higher"),
    ("payments.topups", "higher"),
    ("payments.topups_confirmed", "higher"),
    ("payments.topup_volume", "higher"),
    ("payments.game_*", "higher"),
    ("payments.gift*", "higher"),
    ("payments.*", "lower"),
    ("apps.throttled", "lower"),
    ("apps.*", "higher"),
    ("media.photos", "higher"),
    ("media.*", "lower"),  # bytes cost storage and bandwidth
    ("live.delivery.*", "lower"),
    ("live.lost", "lower"),
    ("live.duplicated", "lower"),
    ("live.*", "higher"),
    ("fanservice.lag.*", "lower"),
    ("fanservice.*", "higher"),
    ("push.lag.*", "lower"),
    ("push.failed", "lower"),
    ("push.*", "higher"),
    ("memberships.lapses", "lower"),
    ("memberships.*", "higher"),
    ("clients.*", "higher"),  # a client split describes the load and the money
)
"""Glob over metric names → better direction; the first matching rule wins."""


LATENCY_STATS: dict[str, str] = {
    "p50_ms": "median",
    "p90_ms": "90th percentile",
    "p95_ms": "95th percentile",
    "p99_ms": "99th percentile",
    "p999_ms": "99.9th percentile",
    "mean_ms": "mean",
}


@dataclass(frozen=True)
class MetricInfo:
    """What a catalogued metric means and how it is judged."""

    name: str
    unit: str
    description: str
    label: str = ""
    """Plain-language name for reports' cards and chart axes; derived from the name when
    empty (see `title`)."""

    @property
    def better(self) -> Direction:
        return better_direction(self.name)

    @property
    def title(self) -> str:
        """The label a report shows for this metric."""
        return self.label or derived_label(self.name)


def derived_label(name: str) -> str:
    """A readable label from a metric or column name: `payments.topups_late` →
    `Payments: topups late`, for names catalogued without a label or not at all."""
    family, _, rest = name.partition(".")
    words = rest.replace(".", " ").replace("_", " ")
    return f"{family.capitalize()}: {words}" if words else family.capitalize()


def metric_label(name: str) -> str:
    """The catalogue's label for a metric or timeseries column named like one."""
    info = CATALOGUE.get(name)
    return info.title if info else derived_label(name)


def better_direction(name: str) -> Direction:
    """Whether lower or higher values of a metric are better, from its name's family.

    Raises ValueError for a name in no known family: guessing would let a gate pass a
    regression, so such a metric needs a rule in DIRECTION_RULES first.
    """
    for pattern, direction in DIRECTION_RULES:
        if fnmatchcase(name, pattern):
            return direction
    raise ValueError(
        f"no known better direction for metric {name!r}; its family must be one of "
        f"{', '.join(p for p, _ in DIRECTION_RULES)} (see outcomes/metrics.py)"
    )


NOT_SENT_PATHS = frozenset(
    {"chat_deliver", "live_deliver", "topup_callback", "partner_fee", "membership_renew"}
)
"""Latency paths that are no request a load generator sends (so have no response time)."""


SCHEDULED_LATENCY = "; in load tests on a schedule, from when the request was due"
"""How a sent request's latency is counted in an open-model or replayed load test."""


def _path_words(path: str) -> str:
    return path.replace("_", " ").capitalize()


def _latency_metrics() -> list[MetricInfo]:
    return [
        MetricInfo(
            f"latency.{path}.{stat}",
            "ms",
            f"{label.capitalize()} latency to {route.action}"
            f"{'' if path in NOT_SENT_PATHS else SCHEDULED_LATENCY}.",
            f"{_path_words(path)} latency, {label}",
        )
        for path, route in LATENCY_PATHS.items()
        for stat, label in LATENCY_STATS.items()
    ]


def _response_metrics() -> list[MetricInfo]:
    return [
        MetricInfo(
            f"response.{path}.{stat}",
            "ms",
            f"Load tests on a schedule (open model, replay): {label} response time to "
            f"{route.action}, from the request's actual send; latency.* counts from when it "
            "was due.",
        )
        for path, route in LATENCY_PATHS.items()
        if path not in NOT_SENT_PATHS
        for stat, label in LATENCY_STATS.items()
    ]


def _path_share_metrics() -> list[MetricInfo]:
    return [
        MetricInfo(
            f"requests.{path}.share", "ratio", f"Share of all requests that {route.action} (0-1)."
        )
        for path, route in LATENCY_PATHS.items()
    ]


def _path_throughput_metrics() -> list[MetricInfo]:
    return [
        MetricInfo(
            f"throughput.{path}.requests_per_s", "1/s", f"Requests per second to {route.action}."
        )
        for path, route in LATENCY_PATHS.items()
    ]


_LAG_P99 = (
    "99th percentile lateness of a load-test action's start behind its schedule (open model "
    "and replay); large values mean the target rate was not really offered."
)
_CHAT_BACKLOG = (
    "Chat messages still waiting for an offline recipient at the end of the run (late, not "
    "lost; simulations count the whole run, load tests the confirmed messages)."
)
_CHAT_LOST = (
    "Load tests: confirmed chat messages their recipient never received, live or from its "
    "backlog (the run fails when above 0)."
)
_CHAT_DUPLICATED = (
    "Load tests: chat messages a connection received more than once (the run fails when above 0)."
)
_PAYMENTS_RETRIES = "Load tests: payment calls deliberately sent again with their idempotency key."
_PAYMENTS_DOUBLE_PAID = (
    "Load tests: retries answered with another payment than the original's (the run fails "
    "when above 0)."
)
_PAYMENTS_AUDIT = "1 when the ledger audit after the run balanced, else 0 (a load test then fails)."
_REFUSED = (
    "Requests refused as an everyday business outcome the caller expected (a wallet too "
    "short to pay); not counted in errors.rate."
)
_TOPUPS_LATE = (
    "Top-ups the platform stopped waiting for at the gateway's timeout; the gateway's late "
    "callback settled them."
)
_PAYMENTS_MISMATCHES = (
    "Load tests: wallets whose balance differs from their seeded credit plus the test's "
    "accepted payments, each once (the run fails when above 0)."
)
_FANOUT_BACKLOG = (
    "Load tests: posts whose fan-out had not finished when the load stopped (queued, or in "
    "a worker's hands); their lag is not yet in fanout.lag.*."
)
_REPLAY_NOT_SENT = (
    "Replays: traced actions not sent (no client request, or not sendable as traced; by "
    "reason in environment.loadtest.replay_not_sent)."
)
_LIVE_DELIVERY = (
    "99th percentile time from a live comment being sent to a viewer having it: in "
    "simulations the comment request's own (the push to every viewer is part of it), in "
    "load tests a viewer's receive time minus the comment's created_at."
)
_LIVE_LOST = "Load tests: live comments a viewer connected at the time never received."
_LIVE_DUPLICATED = "Load tests: live comments a viewer received more than once."
REVENUE_STREAMS: dict[str, str] = {
    "ads": "Advertisers' and merchants' campaign spend charged for impressions and clicks.",
    "games": "Platform's share of game item sales, as the ledger moved it.",
    "commerce": "Platform commission on goods sold on the platform (`on_platform` commerce).",
    "apps": "Platform's share of what third-party apps charged users (`apps.platform_share`, "
    "0 by default: no fees to developers in the open platform's first year).",
    "partner": "A commerce partner's marketing fees, its contract and a fee per diversion to "
    "its store (`diversion` commerce).",
    "live": "Platform's share of viewers' gifts to live anchors, as the ledger moved it.",
    "vas": "Value-added services: paid membership fees (joining and auto-renewals), as the "
    "ledger moved them.",
}
"""Every revenue stream `revenue.<stream>`, in coins the ledger moved into the platform's
revenue account; `revenue.total` and the shares are over exactly these."""
STREAM_METRICS = tuple(f"revenue.{stream}" for stream in REVENUE_STREAMS)
STREAM_TITLES: dict[str, str] = {"vas": "Membership (VAS)"}
"""A stream's name on cards and charts where its key is an abbreviation."""

_PER_ACCOUNT_DAY = (
    "Revenue per simulated account per day of the measured window (coins are yuan at par)."
)
_ANNUALISED = (
    "Revenue per account and day times 365 times the accounts the population stands for "
    "(`population.represents`), in the scenario's currency."
)
_ANNUALISED_USD = "`revenue.annualised` in US dollars at the scenario's `economy.yuan_per_usd`."
_GMV = (
    "Gross merchandise value: the price of all goods sold (with `diversion` commerce, in "
    "the partner's store, off the platform)."
)


def _fanservice_metrics() -> list[MetricInfo]:
    """Fan services: broadcasts, their deliveries and lag, subscribers (a load test reads
    them from each service's `GET /fanservice/stats`: loadtests.control.fanservice_stats)."""
    lags = [
        MetricInfo(
            f"fanservice.lag.{stat}",
            "s",
            f"{what} time from a fan-service broadcast to its last subscriber's inbox "
            "(fan-out station, apart from posts' `fanout.lag.*`). A load test reports p50 "
            "(median of the services' medians) and p99 (the highest service's).",
        )
        for stat, what in (("p50_s", "Median"), ("p95_s", "95th percentile"),
                           ("p99_s", "99th percentile"), ("mean_s", "Mean"))
    ]  # fmt: skip
    return [
        MetricInfo("fanservice.broadcasts", "count", "Broadcasts certified accounts sent."),
        MetricInfo(
            "fanservice.deliveries", "count", "Service-inbox entries written by broadcasts."
        ),
        *lags,
        MetricInfo(
            "fanservice.subscriptions", "count", "Followers who subscribed to a fan service."
        ),
        MetricInfo(
            "fanservice.pending", "count", "Broadcasts not yet delivered when a load test ended."
        ),
        MetricInfo("fanservice.services", "count", "Fan services open (end of the run)."),
        MetricInfo(
            "fanservice.subscribers", "count", "Subscriptions to fan services (end of the run)."
        ),
    ]


def _revenue_metrics() -> list[MetricInfo]:
    return [
        info
        for stream, meaning in REVENUE_STREAMS.items()
        for title in (STREAM_TITLES.get(stream, stream.capitalize()),)
        for info in (
            MetricInfo(f"revenue.{stream}", "coins", meaning, f"{title} revenue"),
            MetricInfo(
                f"revenue.share.{stream}",
                "ratio",
                f"Share of `revenue.total` that `revenue.{stream}` earned (0-1; per "
                "interval in timeseries.csv).",
                f"{title} share of revenue",
            ),
        )
    ]


_PUSH_LAG = (
    "time from a push being handed to the (simulated) provider to the device having it, "
    "over delivered pushes (simulations); push workers' queueing is in utilization.push."
)
_CLIENT_AND_MEMBERSHIP_METRICS = (
    MetricInfo("push.sent", "count", "Push notifications sent to mobile sessions.", "Pushes"),
    MetricInfo("push.failed", "count", "Pushes the provider failed to deliver."),
    MetricInfo("push.lag.p50_s", "s", f"Median {_PUSH_LAG}", "Push lag, median"),
    MetricInfo("push.lag.p99_s", "s", f"99th percentile {_PUSH_LAG}", "Push lag, 99th percentile"),
    MetricInfo("memberships.joins", "count", "Paid memberships bought.", "Membership joins"),
    MetricInfo(
        "memberships.renewals", "count", "Memberships renewed from the wallet at period end."
    ),
    MetricInfo(
        "memberships.lapses", "count", "Renewals that found the wallet short (no charge made)."
    ),
    MetricInfo(
        "clients.mobile.requests_per_s",
        "1/s",
        "Requests per second made by accounts on the mobile app.",
        "Mobile requests per second",
    ),
    MetricInfo(
        "clients.web.requests_per_s",
        "1/s",
        "Requests per second made by accounts on the web.",
        "Web requests per second",
    ),
    MetricInfo(
        "clients.mobile.request_share", "ratio", "Share of requests made on the mobile app."
    ),
    *(
        info
        for kind, on in (("mobile", "on the mobile app"), ("web", "on the web"))
        for info in (
            MetricInfo(
                f"clients.{kind}.revenue",
                "coins",
                f"Revenue of every stream from accounts {on}; with the other client's, "
                "`revenue.total` (sim.client_revenue).",
                f"{kind.capitalize()} revenue",
            ),
            *(
                MetricInfo(
                    f"clients.{kind}.revenue_{stream}",
                    "coins",
                    f"`revenue.{stream}` from accounts {on}: apportioned by what their "
                    "actions moved (an ad's by its viewer; sim.client_revenue).",
                )
                for stream in REVENUE_STREAMS
            ),
        )
    ),
)

_OTHER_METRICS = (
    MetricInfo(
        "throughput.requests_per_s",
        "1/s",
        "Completed requests per second, all paths.",
        "Requests per second",
    ),
    MetricInfo(
        "throughput.posts_per_s",
        "1/s",
        "Posts and reposts published per second.",
        "Posts per second",
    ),
    MetricInfo("errors.rate", "ratio", "Share of requests that failed (0-1).", "Error rate"),
    MetricInfo("errors.count", "count", "Requests that failed.", "Failed requests"),
    MetricInfo("errors.refused", "count", _REFUSED, "Refused requests"),
    MetricInfo("errors.exceptions", "count", "Load tests: exceptions in the test's own user code."),
    MetricInfo(
        "fanout.deliveries",
        "count",
        "Home-timeline entries written by fan-out on write.",
        "Fan-out deliveries",
    ),
    MetricInfo(
        "fanout.lag.p50_s",
        "s",
        "Median time from a post to its last delivery.",
        "Fan-out lag, median",
    ),
    MetricInfo(
        "fanout.lag.p95_s",
        "s",
        "95th percentile time from a post to its last delivery.",
        "Fan-out lag, 95th percentile",
    ),
    MetricInfo(
        "fanout.lag.p99_s",
        "s",
        "99th percentile time from a post to its last delivery.",
        "Fan-out lag, 99th percentile",
    ),
    MetricInfo(
        "fanout.lag.mean_s", "s", "Mean time from a post to its last delivery.", "Fan-out lag, mean"
    ),
    MetricInfo(
        "fanout.lag.max_s",
        "s",
        "Longest time from a post to its last delivery.",
        "Fan-out lag, longest",
    ),
    MetricInfo("fanout.backlog", "count", _FANOUT_BACKLOG, "Fan-out backlog"),
    MetricInfo(
        "loadgen.lag.p50_ms",
        "ms",
        "Median lateness of a load-test action's start.",
        "Load generator lag, median",
    ),
    MetricInfo("loadgen.lag.p99_ms", "ms", _LAG_P99, "Load generator lag, 99th percentile"),
    MetricInfo(
        "loadgen.lag.max_ms",
        "ms",
        "Latest any load-test action started behind schedule.",
        "Load generator lag, longest",
    ),
    MetricInfo(
        "loadgen.cpu.mean_pct",
        "%",
        "Load tests: mean CPU use of a load-generating process after the warm-up, in percent "
        "of one core (near 100 the generator, not the server, limits the test).",
        "Load generator CPU, mean",
    ),
    MetricInfo(
        "loadgen.cpu.max_pct",
        "%",
        "Load tests: highest CPU use any load-generating process was sampled at, in percent "
        "of one core (Locust warns at 90).",
        "Load generator CPU, highest",
    ),
    MetricInfo("replay.not_sent", "count", _REPLAY_NOT_SENT),
    MetricInfo("replay.not_sent_share", "ratio", "Replays: share of the trace's actions not sent."),
    MetricInfo(
        "users.dau",
        "count",
        "Daily active users: accounts with any action in a day.",
        "Daily active users",
    ),
    MetricInfo(
        "users.active",
        "count",
        "Distinct accounts with any action in the measured window.",
        "Active users",
    ),
    MetricInfo(
        "users.churned",
        "count",
        "Accounts that left the platform for good in the run.",
        "Churned users",
    ),
    MetricInfo(
        "users.retention_d1",
        "ratio",
        "Share of a day's active users active again 1 day later.",
        "Retention after 1 day",
    ),
    MetricInfo(
        "users.retention_d7",
        "ratio",
        "Share of a day's active users active again 7 days later.",
        "Retention after 7 days",
    ),
    MetricInfo(
        "users.retention_d30",
        "ratio",
        "Share of a day's active users active again 30 days later.",
        "Retention after 30 days",
    ),
    MetricInfo(
        "revenue.total", "coins", "Every revenue stream of the run together.", "Total revenue"
    ),
    MetricInfo("revenue.per_account_day", "yuan", _PER_ACCOUNT_DAY, "Revenue per account and day"),
    MetricInfo("revenue.annualised", "yuan", _ANNUALISED, "Annualised revenue"),
    MetricInfo("revenue.annualised_usd", "USD", _ANNUALISED_USD, "Annualised revenue (USD)"),
    MetricInfo("commerce.gmv", "coins", _GMV, "GMV (goods sold)"),
    MetricInfo(
        "commerce.orders",
        "count",
        "Orders placed (with diversion: in the partner's store).",
        "Orders",
    ),
    MetricInfo(
        "commerce.diversions",
        "count",
        "Product links followed to a commerce partner's store.",
        "Diversions to partner",
    ),
    MetricInfo(
        "commerce.impressions",
        "count",
        "Product impressions: product posts seen (in feeds or ad slots) and shop products viewed.",
        "Product impressions",
    ),
    MetricInfo(
        "commerce.conversion",
        "ratio",
        "Orders per product impression (product posts seen and shop products viewed).",
        "Order conversion",
    ),
    MetricInfo("ads.impressions", "count", "Ads shown in timelines.", "Ad impressions"),
    MetricInfo("ads.clicks", "count", "Ads clicked.", "Ad clicks"),
    MetricInfo(
        "ads.ctr", "ratio", "Click-through rate: clicks per impression.", "Ad click-through rate"
    ),
    MetricInfo(
        "ads.overspend",
        "coins",
        "Sharded runs: coins campaigns were charged past their total or a day's budget, "
        "over every shard's charges (per-shard allowances keep it at 0; docs/sharding.md).",
        "Ad overspend",
    ),
    MetricInfo(
        "ads.overspend.worst_campaign",
        "coins",
        "Sharded runs: the most coins one campaign was charged past its budgets.",
        "Worst campaign's ad overspend",
    ),
    MetricInfo(
        "chat.sent",
        "count",
        "Chat messages the server stored (confirmed to the sender).",
        "Chat messages sent",
    ),
    MetricInfo(
        "chat.sent_to_offline",
        "count",
        "Simulations: chat messages to a friend shown offline.",
        "Chat messages to offline friends",
    ),
    MetricInfo(
        "chat.delivered_live",
        "count",
        "Simulations: chat messages pushed at once to a connection.",
        "Chat messages delivered live",
    ),
    MetricInfo(
        "chat.delivered_on_connect",
        "count",
        "Simulations: waiting chat messages pushed when their recipient connected.",
        "Chat messages delivered on connect",
    ),
    MetricInfo(
        "chat.delivered_live_share",
        "ratio",
        "Simulations: chat messages pushed at once to a connection, per message sent (0-1; "
        "the rest wait for their recipient's next connection).",
        "Chat delivered live",
    ),
    MetricInfo("chat.backlog", "count", _CHAT_BACKLOG, "Chat backlog"),
    MetricInfo(
        "media.bytes_stored",
        "bytes",
        "Photo and thumbnail bytes written to the media store "
        "(load tests: of the `loadtest.photo_images` mix; simulations: of one small JPEG, "
        "`behaviour.photos.image_px`).",
    ),
    MetricInfo("media.egress_bytes", "bytes", "Photo and thumbnail bytes served to readers."),
    MetricInfo("media.photos", "count", "Photos uploaded."),
    MetricInfo("live.rooms", "count", "Live broadcasts started."),
    MetricInfo("live.viewers.peak", "count", "Most viewers connected to one room at once."),
    MetricInfo("live.delivery.p99_ms", "ms", _LIVE_DELIVERY),
    MetricInfo(
        "live.comments", "count", "Live comments stored (each pushed to the room's viewers)."
    ),
    MetricInfo("live.gifts", "count", "Gifts to live anchors that went through the ledger."),
    MetricInfo("live.lost", "count", _LIVE_LOST),
    MetricInfo("live.duplicated", "count", _LIVE_DUPLICATED),
    MetricInfo("chat.lost", "count", _CHAT_LOST, "Chat messages lost"),
    MetricInfo("chat.duplicated", "count", _CHAT_DUPLICATED, "Chat messages duplicated"),
    MetricInfo("payments.calls", "count", "Load tests: payment calls made (retries not counted)."),
    MetricInfo(
        "payments.topups",
        "count",
        "Simulations: top-ups requested (gateway answers aside).",
        "Top-ups requested",
    ),
    MetricInfo(
        "payments.topups_confirmed",
        "count",
        "Simulations: top-ups the gateway confirmed.",
        "Top-ups confirmed",
    ),
    MetricInfo(
        "payments.topups_declined",
        "count",
        "Simulations: top-ups the gateway declined.",
        "Top-ups declined",
    ),
    MetricInfo("payments.topups_late", "count", _TOPUPS_LATE, "Top-ups settled late"),
    MetricInfo(
        "payments.topup_volume",
        "yuan",
        "Simulations: money confirmed into wallets.",
        "Top-up volume",
    ),
    MetricInfo(
        "payments.game_purchases",
        "count",
        "Simulations: game item purchases paid.",
        "Game purchases",
    ),
    MetricInfo(
        "payments.game_spend",
        "coins",
        "Simulations: coins users paid for game items.",
        "Game spend",
    ),
    MetricInfo("payments.gifts", "count", "Simulations: gifts paid to followed accounts.", "Gifts"),
    MetricInfo(
        "payments.gift_volume", "coins", "Simulations: coins given as gifts.", "Gift volume"
    ),
    MetricInfo("payments.retries", "count", _PAYMENTS_RETRIES),
    MetricInfo("payments.double_paid", "count", _PAYMENTS_DOUBLE_PAID),
    MetricInfo("payments.wallet_mismatches", "count", _PAYMENTS_MISMATCHES),
    MetricInfo("payments.audit_balanced", "bool", _PAYMENTS_AUDIT, "Ledger audit balanced"),
    MetricInfo(
        "apps.requests",
        "count",
        "Calls third-party apps made for users (load tests: after the warm-up).",
    ),
    MetricInfo(
        "apps.throttled",
        "count",
        "App calls over their hourly limit (HTTP 429), expected "
        "refusals, not errors (load tests: after the warm-up).",
    ),
    MetricInfo("apps.purchases", "count", "Simulations: app purchases users paid."),
    *_fanservice_metrics(),
    MetricInfo("apps.purchase_volume", "coins", "Simulations: coins users paid apps."),
    MetricInfo(
        "utilization.app",
        "ratio",
        "Busy share of application server capacity (0-1).",
        "App server utilisation",
    ),
    MetricInfo(
        "utilization.db", "ratio", "Busy share of database capacity (0-1).", "Database utilisation"
    ),
    MetricInfo(
        "utilization.cache",
        "ratio",
        "Busy share of cache tier capacity (0-1).",
        "Cache utilisation",
    ),
    MetricInfo(
        "utilization.fanout",
        "ratio",
        "Busy share of fan-out worker capacity (0-1).",
        "Fan-out worker utilisation",
    ),
    MetricInfo(
        "utilization.push",
        "ratio",
        "Busy share of the push workers handing notifications to the provider (0-1).",
        "Push worker utilisation",
    ),
    *_CLIENT_AND_MEMBERSHIP_METRICS,
)

CATALOGUE: dict[str, MetricInfo] = {
    m.name: m
    for m in (
        *_latency_metrics(),
        *_response_metrics(),
        *_path_throughput_metrics(),
        *_path_share_metrics(),
        *_revenue_metrics(),
        *_OTHER_METRICS,
    )
}


def render_markdown() -> str:
    """The `docs/metrics.md` page: the request paths, then one table per family, in
    catalogue order."""
    lines = [
        "# Metric names",
        "",
        "<!-- Generated by `python -m outcomes.metrics > docs/metrics.md`; do not edit. -->",
        "",
        "Stable names in every Result's `metrics` map. Gates and comparisons judge a change",
        "as better or worse by the direction below, which follows from the name's family.",
        "",
        *paths_markdown(),
    ]
    for family in dict.fromkeys(name.split(".")[0] for name in CATALOGUE):
        lines += [
            "",
            f"## {family}",
            "",
            "| metric | label | unit | better | meaning |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| `{m.name}` | {m.title} | {m.unit} | {m.better} | {m.description} |"
            for m in CATALOGUE.values()
            if m.name.split(".")[0] == family
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_markdown(), end="")
