"""Timeline traffic: ordinary users reading and posting, and influencers posting to many.

`MixedUser` acts as an ordinary seeded account: the users running at once act as
consecutive ones (loadtests.generator.seats), who are friends by seeding. Each task is
one action drawn by the scenario's `loadtest.tasks` weights: a home-timeline read (a
geometric number of pages with mean `behaviour.timeline_pages_per_session`,
`behaviour.page_size` posts each, then a like and a comment on a post it saw with
probabilities `behaviour.per_session.like` and `.comment`), a post of its own, or a chat
session (loadtests/generator/users/chat.py; with a chat weight the user stays connected to the chat
socket throughout), or a payment (loadtests/generator/users/payments.py).

`InfluencerUser` (one per test) posts as the big V and the influencers in turn, so every
few posts one of them reaches `big_v_followers` home timelines and fan-out is exercised.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from locust import task

from loadtests.generator.seats import Seats
from loadtests.generator.users.api import comment, like, publish, read_home_timeline
from loadtests.generator.users.base import FanoutUser
from loadtests.generator.users.chat import Chatter
from loadtests.generator.users.payments import Payer

POST_TEXT = "load test post {n}: what is everyone reading tonight?"
COMMENT_TEXT = "load test comment {n}"
SEATS = Seats()


class MixedUser(FanoutUser):
    """An ordinary account following the scenario's task mix (see module docstring)."""

    seat: int | None = None
    chat: Chatter | None = None

    def on_start(self) -> None:
        super().on_start()
        self.seat = SEATS.take()
        self.account = self.account_at(self.seat)
        self.headers = self.headers_of(self.account)
        self.written = itertools.count()
        weights = self.scenario.loadtest.tasks
        self.chat = Chatter(self, self.account) if weights.chat else None
        mix: list[tuple[Callable[[], None], int]] = [
            (self.read_timeline, weights.timeline),
            (self.write_post, weights.post),
        ]
        if self.chat is not None:
            mix.append((self.chat.session, weights.chat))
            self.chat.join()
        if weights.payment:
            mix.append((Payer(self, self.account).pay, weights.payment))
        self.actions = [action for action, weight in mix if weight]
        total = sum(weight for _, weight in mix)
        self.shares = [weight / total for _, weight in mix if weight]

    def on_stop(self) -> None:
        """Leave the chat cleanly and free the seat (also when stopped while starting)."""
        if self.chat is not None:
            self.chat.leave()
        if self.seat is not None:
            SEATS.give_back(self.seat)

    @task
    def act(self) -> None:
        self.actions[self.rng.choice(len(self.actions), p=self.shares)]()

    def read_timeline(self) -> None:
        behaviour = self.scenario.behaviour
        pages = int(self.rng.geometric(1 / behaviour.timeline_pages_per_session))
        seen = read_home_timeline(self.client, self.headers, behaviour.page_size, pages)
        if not seen:
            return
        if self.rng.random() < behaviour.per_session.like:
            like(self.client, self.headers, int(self.rng.choice(seen)))
        if self.rng.random() < behaviour.per_session.comment:
            text = COMMENT_TEXT.format(n=next(self.written))
            comment(self.client, self.headers, int(self.rng.choice(seen)), text)

    def write_post(self) -> None:
        publish(self.client, self.headers, POST_TEXT.format(n=next(self.written)))


class InfluencerUser(FanoutUser):
    """Posts as the big V and then each influencer, round and round."""

    fixed_count = 1

    def on_start(self) -> None:
        super().on_start()
        authors = [self.population.big_v, *self.population.influencers]
        self.authors = itertools.cycle(authors)
        self.written = itertools.count()

    @task
    def post_as_next_author(self) -> None:
        headers = self.headers_of(next(self.authors))
        publish(self.client, headers, POST_TEXT.format(n=next(self.written)))
