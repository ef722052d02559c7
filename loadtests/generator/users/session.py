"""The load test's user: each task is one session of the simulator's shape, over HTTP.

Each session of a `SessionUser` acts as the next ordinary seeded account in its process's
turn (loadtests.generator.accounts): over a test the sessions spread over the seeded
accounts as the simulator's spread over its population, and the sessions running at once
act as neighbouring accounts, who are friends by seeding. A session does
what a simulated session does (sim/engine.py `_session` and sim/activities/), drawn from the
same `behaviour` fields with the user's own numpy Generator, in the same order:

0. a phone's reads of its pushes (push_reads.py);
1. the social part (loadtests/generator/users/social.py): feed pages, the ads and product
   posts in them (feed_readers.py), the photos in them and photo posts (photos.py), posts,
   reactions, follows, groups;
2. shop browsing (`per_session.shop_browse`, feed_readers.py);
3. chat (`per_session.chat`, chat.py), with the delivery checks;
4. payments (`per_session.top_up`, `game_purchase`, `gift`, payments.py), with the ledger
   checks;
5. the influencers' and merchants' scheduled posts due for one session (scheduled.py);
6. the third-party apps' calls due for one session (apps.py);
7. the fan services' broadcasts and subscriptions due for one session (fanservice.py).

Between two calls of a session the user thinks for an exponential time of mean
`behaviour.think_time_s` × `loadtest.think_time_scale`; between sessions it waits
`loadtest.wait_s` (or keeps the open model's schedule: loadtests.generator.users.base).
"""

from __future__ import annotations

import itertools

import gevent
from locust import task

from loadtests.generator.session_mix import mean_think_s
from loadtests.generator.users.apps import AppClient
from loadtests.generator.users.base import FanoutUser
from loadtests.generator.users.chat import Chatter
from loadtests.generator.users.fanservice import FanServiceClient
from loadtests.generator.users.feed_readers import AdViewer, Shopper
from loadtests.generator.users.payments import Payer
from loadtests.generator.users.photos import Photographer
from loadtests.generator.users.push_reads import PushReader
from loadtests.generator.users.scheduled import ScheduledPoster
from loadtests.generator.users.social import Social
from loadtests.records.plan import current_plan
from loadtests.records.seeded import SeededEconomy


class SessionUser(FanoutUser):
    """An ordinary account living sessions of the simulator's shape (see module docstring)."""

    holding: int | None = None
    """The account the running session acts as."""
    chat: Chatter | None = None

    def on_start(self) -> None:
        super().on_start()
        self.written = itertools.count()
        self.calls = 0
        self.think_s = mean_think_s(self.scenario)
        economy = current_plan().economy
        if economy is None:
            raise RuntimeError("session users need a plan with a seeded economy")
        self.economy: SeededEconomy = economy
        self.scheduled = ScheduledPoster(self)
        self.apps = AppClient(self)
        self.fanservice = FanServiceClient(self)

    def on_stop(self) -> None:
        """Leave the chat cleanly and give the account back (also when stopped mid-session)."""
        if self.chat is not None:
            self.chat.close()
        self._give_back()

    def _act_as(self, account: int) -> None:
        """Become `account` for one session: its token, friends, interests, client and
        what it kept from its earlier sessions."""
        if self.chat is not None:
            self.chat.close()  # a session an error cut short may have left its socket open
        self._give_back()  # and still holds its account
        self.holding = self.account = account
        self.account_id = self.population.ids[account]
        self.headers = self.headers_of(account)
        self.kept = self.turns().kept_by(account)
        self.payer = Payer(self)
        self.photos = Photographer(self)
        self.social = Social(self)
        self.ads = AdViewer(self)
        self.shopper = Shopper(self, self.payer)
        self.chat = Chatter(self)
        self.push_reads = PushReader(self)

    def _give_back(self) -> None:
        if self.holding is not None:
            self.turns().give_back(self.holding)
            self.holding = None

    @task
    def session(self) -> None:
        self._act_as(self.turns().take())
        self.calls = 0
        self.push_reads.session()
        posts, ads = self.social.read_feed()
        self.ads.seen(ads)
        self.shopper.seen(posts, ads)
        self.photos.seen(posts + [ad.post for ad in ads])
        self.social.act(posts)
        self.shopper.browse()
        if self.chat is not None and self.rng.random() < self.scenario.behaviour.per_session.chat:
            self.chat.session()
        self.payer.session()
        self.scheduled.post()
        self.apps.session()
        self.fanservice.session()
        self._give_back()

    def think(self) -> None:
        """Pause before every call of a session but its first (the simulator's think time)."""
        if self.calls:
            gevent.sleep(float(self.rng.exponential(self.think_s)))
        self.calls += 1

    def text(self, kind: str) -> str:
        """A unique text for something this user writes."""
        return f"load test {kind} {self.tag}-{next(self.written)}"
