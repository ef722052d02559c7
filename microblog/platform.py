"""`Microblog`: the whole reference platform as one object over one store.

The simulator builds it over the memory store with a simulated clock; the HTTP app builds
it over SQLite with wall-clock time and background fan-out.
"""

from __future__ import annotations

import time

from microblog.config import PlatformConfig
from microblog.services.accounts import Accounts
from microblog.services.ad_billing import AdBilling, UnwiredBilling
from microblog.services.ads import Ads
from microblog.services.context import Clock, Context
from microblog.services.feed import Feed
from microblog.services.groups import Groups
from microblog.services.posts import Posts
from microblog.services.social import SocialGraph
from microblog.services.timelines import FanoutRunner, Timelines, run_inline
from microblog.store.base import Store


class Microblog:
    def __init__(
        self,
        store: Store,
        config: PlatformConfig | None = None,
        clock: Clock = time.time,
        run_fanout: FanoutRunner = run_inline,
        ad_billing: AdBilling | None = None,
    ) -> None:
        self.ctx = Context(store, config or PlatformConfig(), clock)
        self.store = store
        self.config = self.ctx.config
        self.accounts = Accounts(self.ctx)
        self.timelines = Timelines(self.ctx, run_fanout)
        self.graph = SocialGraph(self.ctx, self.timelines)
        self.posts = Posts(self.ctx, self.timelines)
        self.groups = Groups(self.ctx)
        self.ads = Ads(self.ctx, ad_billing or UnwiredBilling())
        self.feed = Feed(self.ctx, self.timelines, self.ads.server)

    def close(self) -> None:
        self.store.close()
