"""The ads repository in SQL (tables in `ads_schema`).

Ad retrieval (`reaching`) asks the database for the ids of live campaigns in bid order, then
reads the campaigns themselves a few at a time as the walk reaches them, and applies the
targeting match in Python: targeting lists are JSON columns whose containment operators
differ between SQLite and PostgreSQL. A caller that stops early (the ad server keeps the
first few eligible) reads no more campaigns, and `db_reads` counts the campaigns read,
matched or not.

Serving and charging ads decide on campaign state they read first (budgets left, the CPM
carry, the impression count that names each charge's idempotency key), across every
campaign an auction considers. So on PostgreSQL they queue behind one another on the
`ad-serving` claim (`microblog.store.sql.locks`), taken before any campaign is read; every
other writer runs beside them, and counters that need no decision (impressions, clicks,
hides, conversions) are atomic increments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Connection, Float, bindparam, case, func, insert, select, update

from microblog.ads_models import (
    COUNTERS,
    AdImpression,
    BidType,
    Campaign,
    CampaignKind,
    CampaignSpec,
    CampaignStatus,
    Delivery,
    Targeting,
)
from microblog.models import AgeBand, Gender, Profile
from microblog.store.base import any_campaign
from microblog.store.sql.ads_schema import ad_campaigns, ad_hides, ad_impressions
from microblog.store.sql.locks import add_new, claim
from microblog.store.sql.money import new_id
from microblog.store.sql.prepared import ByIds, Prepared
from microblog.work import record

_AD_SERVING = ("ad-serving",)
_HIDDEN = Prepared(
    select(ad_hides.c.campaign_id).where(ad_hides.c.account_id == bindparam("account"))
)
_SEEN = Prepared(
    select(ad_impressions.c.campaign_id, func.count())
    .where(
        ad_impressions.c.account_id == bindparam("account"),
        ad_impressions.c.day == bindparam("day"),
    )
    .group_by(ad_impressions.c.campaign_id)
)
"""Built once: every feed page with an ad slot reads both for its viewer."""
LIVE_CHUNK = 16
"""Campaigns the ad walk reads whole per statement, in bid order. Reading every live
campaign's 27 columns for every feed page with an ad slot, when the walk stops after the
first `ads.retrieval_depth` (10) eligible, grew with the live campaigns over a replayed
baseline day, to the largest single cost of the server at its evening peak (issue 18):
the ids first and the rest sixteen at a time cut a walk of 80 live campaigns from 233 to
91 µs on the reference machine (in-memory SQLite, the statements alone)."""
_LIVE = Prepared(
    select(ad_campaigns.c.id)
    .where(
        ad_campaigns.c.status == CampaignStatus.ACTIVE.value,
        ad_campaigns.c.starts_at <= bindparam("now"),
        ad_campaigns.c.ends_at > bindparam("now"),
        ad_campaigns.c.spent < ad_campaigns.c.total_budget,
        ad_campaigns.c.held_until <= bindparam("now"),
    )
    .order_by(
        case(
            (
                ad_campaigns.c.bid_type == BidType.CPC.value,
                ad_campaigns.c.bid * bindparam("per_mille", type_=Float),
            ),
            else_=ad_campaigns.c.bid,
        ).desc(),
        ad_campaigns.c.id,
    )
)
"""Ids of the live campaigns, best bid first (a CPC bid valued at `per_mille` clicks per
thousand impressions): every feed page with an ad slot walks them."""
_CAMPAIGNS = ByIds(ad_campaigns, LIVE_CHUNK)
"""Live campaigns by id, `LIVE_CHUNK` at a time."""
_SPEND = Prepared(
    update(ad_campaigns)
    .where(ad_campaigns.c.id == bindparam("campaign"))
    .values(
        spent=ad_campaigns.c.spent + bindparam("fen"),
        day_spent=case(
            (ad_campaigns.c.day == bindparam("day"), ad_campaigns.c.day_spent + bindparam("fen")),
            else_=bindparam("fen"),
        ),
        day=bindparam("day"),
        owed_millifen=bindparam("owed"),
    )
)
_IMPRESSION_COLUMNS = ("campaign_id", "account_id", "price", "day", "created_at")
_IMPRESSION_COUNT = Prepared(
    update(ad_campaigns)
    .where(ad_campaigns.c.id == bindparam("campaign"))
    .values(impressions=ad_campaigns.c.impressions + 1)
)
_IMPRESSION = Prepared(
    insert(ad_impressions)
    .values(
        {name: bindparam(name) for name in _IMPRESSION_COLUMNS}
        | {"clicked": False, "converted": False}
    )
    .returning(ad_impressions.c.id)
)
"""The two writes of every paid impression."""


def _campaign(row: Any) -> Campaign:
    targeting = Targeting(
        list(row.interests),
        list(row.regions),
        [Gender(g) for g in row.genders],
        [AgeBand(a) for a in row.age_bands],
    )
    spec = CampaignSpec(
        row.post_id,
        BidType(row.bid_type),
        row.bid,
        row.daily_budget,
        row.total_budget,
        row.starts_at,
        row.ends_at,
        row.frequency_cap,
        targeting,
        CampaignKind(row.kind),
    )
    delivery = Delivery(
        **{name: getattr(row, name) for name in (*COUNTERS, "day", "day_spent", "owed_millifen")}
    )
    return Campaign(
        row.id, row.owner_id, spec, CampaignStatus(row.status), row.created_at, delivery
    )


def _impression(row: Any) -> AdImpression:
    return AdImpression(
        row.id,
        row.campaign_id,
        row.account_id,
        row.price,
        row.day,
        row.created_at,
        row.clicked,
        row.converted,
    )


def _spec_values(spec: CampaignSpec) -> dict[str, Any]:
    t = spec.targeting
    return dict(
        kind=spec.kind.value,
        post_id=spec.post_id,
        bid_type=spec.bid_type.value,
        bid=spec.bid,
        daily_budget=spec.daily_budget,
        total_budget=spec.total_budget,
        starts_at=spec.start,
        ends_at=spec.end,
        frequency_cap=spec.frequency_cap,
        interests=list(t.interests),
        regions=list(t.regions),
        genders=[g.value for g in t.genders],
        age_bands=[a.value for a in t.age_bands],
    )


class SqlAds:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def create(self, owner_id: int, spec: CampaignSpec, created_at: float) -> Campaign:
        status = CampaignStatus.ACTIVE
        values = _spec_values(spec) | {name: 0 for name in (*COUNTERS, "day_spent")}
        values |= dict(
            owner_id=owner_id, status=status.value, created_at=created_at, day=-1, owed_millifen=0
        )
        campaign_id = new_id(self.conn.execute(insert(ad_campaigns).values(values)))
        record(db_writes=1)
        return Campaign(campaign_id, owner_id, spec, status, created_at)

    def _campaigns(self, query: Any) -> list[Campaign]:
        found = [_campaign(row) for row in self.conn.execute(query)]
        record(db_reads=len(found))
        return found

    def get(self, campaign_id: int) -> Campaign | None:
        found = self._campaigns(select(ad_campaigns).where(ad_campaigns.c.id == campaign_id))
        return found[0] if found else None

    def by_owner(self, owner_id: int, before: int | None, limit: int) -> list[Campaign]:
        c = ad_campaigns.c
        query = select(ad_campaigns).where(c.owner_id == owner_id)
        if before is not None:
            query = query.where(c.id < before)
        return self._campaigns(query.order_by(c.id.desc()).limit(limit))

    def set_status(self, campaign_id: int, status: CampaignStatus) -> None:
        self.conn.execute(
            update(ad_campaigns).where(ad_campaigns.c.id == campaign_id).values(status=status.value)
        )
        record(db_writes=1)

    def reaching(
        self,
        profile: Profile,
        now: float,
        click_rate: float,
        wanted: Callable[[Campaign], bool] = any_campaign,
    ) -> Iterator[Campaign]:
        claim(self.conn, _AD_SERVING)
        live = _LIVE.scalars(self.conn, now=now, per_mille=click_rate * 1000)
        for start in range(0, len(live), LIVE_CHUNK):
            chunk = live[start : start + LIVE_CHUNK]
            rows = {row.id: row for row in _CAMPAIGNS.each(self.conn, chunk)}
            for campaign_id in chunk:  # in bid order
                record(db_reads=1)
                campaign = _campaign(rows[campaign_id])
                if campaign.spec.targeting.matches(profile) and wanted(campaign):
                    yield campaign

    def hold(self, campaign_id: int, until: float) -> None:
        self.conn.execute(
            update(ad_campaigns).where(ad_campaigns.c.id == campaign_id).values(held_until=until)
        )
        record(db_writes=1)

    def hidden(self, account_id: int) -> set[int]:
        found = set(_HIDDEN.scalars(self.conn, account=account_id))
        record(db_reads=len(found))
        return found

    def seen(self, account_id: int, day: int) -> dict[int, int]:
        rows = _SEEN.rows(self.conn, account=account_id, day=day)
        found = {campaign_id: count for campaign_id, count in rows}
        record(db_reads=len(found))
        return found

    def _count(self, campaign_id: int, **deltas: int) -> None:
        c = ad_campaigns.c
        self.conn.execute(
            update(ad_campaigns)
            .where(c.id == campaign_id)
            .values({name: c[name] + delta for name, delta in deltas.items()})
        )

    def add_impression(
        self, campaign_id: int, account_id: int, price: int, day: int, created_at: float
    ) -> AdImpression:
        impression_id = _IMPRESSION.inserted_id(
            self.conn, campaign_id=campaign_id, account_id=account_id, price=price, day=day,
            created_at=created_at,
        )  # fmt: skip
        _IMPRESSION_COUNT.run(self.conn, campaign=campaign_id)
        record(db_writes=2)
        return AdImpression(impression_id, campaign_id, account_id, price, day, created_at)

    def add_spend(self, campaign_id: int, day: int, fen: int, owed_millifen: int) -> None:
        _SPEND.run(self.conn, campaign=campaign_id, fen=fen, day=day, owed=owed_millifen)
        record(db_writes=1)

    def _impressions(self, query: Any) -> AdImpression | None:
        row = self.conn.execute(query).first()
        record(db_reads=1 if row else 0)
        return _impression(row) if row else None

    def impression(self, impression_id: int) -> AdImpression | None:
        return self._impressions(select(ad_impressions).where(ad_impressions.c.id == impression_id))

    def latest_impression(self, campaign_id: int, account_id: int) -> AdImpression | None:
        i = ad_impressions.c
        query = (
            select(ad_impressions)
            .where(i.campaign_id == campaign_id, i.account_id == account_id)
            .order_by(i.id.desc())
            .limit(1)
        )
        return self._impressions(query)

    def _flag_once(self, impression_id: int, flag: str) -> bool:
        i = ad_impressions.c
        changed = self.conn.execute(
            update(ad_impressions)
            .where(i.id == impression_id, i[flag].is_(False))
            .values({flag: True})
        ).rowcount
        return changed > 0

    def mark_clicked(self, impression_id: int, campaign_id: int) -> bool:
        claim(self.conn, _AD_SERVING)  # a first click is charged from the campaign's state
        if not self._flag_once(impression_id, "clicked"):
            return False
        self._count(campaign_id, clicks=1)
        record(db_writes=2)
        return True

    def mark_converted(self, impression_id: int, campaign_id: int, amount: int) -> bool:
        if not self._flag_once(impression_id, "converted"):
            return False
        self._count(campaign_id, conversions=1, conversion_value=amount)
        record(db_writes=2)
        return True

    def hide(self, account_id: int, campaign_id: int) -> bool:
        if not add_new(self.conn, ad_hides, {"account_id": account_id, "campaign_id": campaign_id}):
            return False
        self._count(campaign_id, hides=1)
        record(db_writes=2)
        return True

    def totals(self) -> Delivery:
        c = ad_campaigns.c
        sums = [func.coalesce(func.sum(c[name]), 0) for name in COUNTERS]
        row = self.conn.execute(select(func.count(), *sums)).one()
        record(db_reads=row[0])
        return Delivery(**{name: int(value) for name, value in zip(COUNTERS, row[1:], strict=True)})
