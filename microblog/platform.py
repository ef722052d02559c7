"""`Microblog`: the whole reference platform as one object over one store.

The simulator builds it over the memory store with a simulated clock; the HTTP app builds
it over SQLite or PostgreSQL with wall-clock time, a fan-out queue (worker threads, or a
Redis stream that fan-out worker processes consume) and a cache tier in the process or in
Redis.
"""

from __future__ import annotations

import time

from microblog.cache import CacheTier
from microblog.cache.rate_limits import RateLimiter
from microblog.config import PlatformConfig
from microblog.fanout import FanoutQueueFactory, PostQueueFactory
from microblog.fanout.local import InlineQueue
from microblog.fanservice_models import Broadcast
from microblog.media.images import Thumbnailer, thumbnail
from microblog.media.store import MediaStore, MemoryMediaStore
from microblog.services.accounts import Accounts
from microblog.services.ad_billing import AdBilling, LedgerBilling
from microblog.services.ads import Ads
from microblog.services.albums import Albums
from microblog.services.app_payments import AppPayments
from microblog.services.apps import Apps
from microblog.services.certifications import Certifications
from microblog.services.chat import Chat
from microblog.services.context import Clock, Context
from microblog.services.fanservice import FanServices
from microblog.services.fanservice_callbacks import Callbacks
from microblog.services.fanservice_messages import ServiceMessages
from microblog.services.feed import Feed
from microblog.services.games import Games
from microblog.services.gateway import Gateway, default_gateway
from microblog.services.groups import Groups
from microblog.services.ledger import Ledger
from microblog.services.live import Live
from microblog.services.memberships import Memberships
from microblog.services.oauth import OAuth
from microblog.services.orders import Orders
from microblog.services.partners import Partners
from microblog.services.payments import Payments
from microblog.services.posts import Posts
from microblog.services.push import PushChannel, PushProvider
from microblog.services.shops import Shops
from microblog.services.social import SocialGraph
from microblog.services.timelines import Timelines
from microblog.store.base import Store


class Microblog:
    def __init__(
        self,
        store: Store,
        config: PlatformConfig | None = None,
        clock: Clock = time.time,
        fanout: PostQueueFactory = InlineQueue,
        gateway: Gateway | None = None,
        ad_billing: AdBilling | None = None,
        cache: CacheTier | None = None,
        media: MediaStore | None = None,
        service_fanout: FanoutQueueFactory[Broadcast] = InlineQueue,
        push: PushProvider | None = None,
        thumbnailer: Thumbnailer = thumbnail,
    ) -> None:
        self.ctx = Context(store, config or PlatformConfig(), clock, cache or CacheTier())
        self.store = store
        self.config = self.ctx.config
        self.apps = Apps(self.ctx)
        self.oauth = OAuth(self.ctx)
        self.accounts = Accounts(self.ctx, self.apps.account_for)
        self.certifications = Certifications(self.ctx)
        self.rate_limits = RateLimiter(self.ctx.cache, self.config.rate_limits)
        self.timelines = Timelines(self.ctx, fanout)
        self.graph = SocialGraph(self.ctx, self.timelines)
        self.push = PushChannel(self.ctx, push)
        self.posts = Posts(self.ctx, self.timelines, self.push)
        self.albums = Albums(self.ctx, media or MemoryMediaStore(), thumbnailer)
        self.groups = Groups(self.ctx, self.timelines)
        self.chat = Chat(self.ctx, self.push)
        self.ledger = Ledger(self.ctx)
        self.payments = Payments(
            self.ctx, self.ledger, gateway or default_gateway(self.config.money.gateway, clock)
        )
        self.app_payments = AppPayments(self.ctx, self.ledger)
        self.games = Games(self.ctx, self.app_payments)
        self.shops = Shops(self.ctx, self.posts)
        self.orders = Orders(self.ctx, self.ledger)
        self.partners = Partners(self.ctx, self.ledger)
        self.ads = Ads(self.ctx, ad_billing or LedgerBilling(self.ledger))
        self.live = Live(self.ctx, self.ledger, self.posts, self.push)
        self.memberships = Memberships(self.ctx, self.ledger)
        self.feed = Feed(self.ctx, self.timelines, self.ads.server)
        self.fanservice = FanServices(self.ctx, self.push, service_fanout)
        self.callbacks = Callbacks(self.ctx)
        self.service_messages = ServiceMessages(self.ctx, self.callbacks)

    def close(self) -> None:
        """Finish the fan-out and callbacks this process holds, then let go of chat, live
        rooms, the store and the cache."""
        self.timelines.queue.close()
        self.fanservice.close()
        self.callbacks.close()
        self.chat.close()
        self.live.close()
        self.store.close()
        self.ctx.cache.close()
