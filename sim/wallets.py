"""Users' starting coins, issued through the ledger the first time each user pays.

Every ordinary user starts with `economy.starting_balance` coins. Issuing a million seed
credits up front costs the ledger tens of seconds, while only the users who ever pay need
theirs; so the operator's seed credit (`payments.seed_credits`, kind `seed`) is made for a
user just before their first payment, which leaves every balance as if it had been there
from the start. Activities that take users' coins call `ensure` before paying.
"""

from __future__ import annotations

from microblog.platform import Microblog
from scenario.seed_draws import fen
from sim.population import Kind, Population


class Wallets:
    def __init__(self, blog: Microblog, population: Population, starting_balance: float) -> None:
        self.blog = blog
        self.amount = fen(starting_balance) if starting_balance > 0 else 0
        self._pending = population.kind == Kind.USER

    def ensure(self, row: int, account: int) -> None:
        """Issue the user's starting balance if they have not had it yet."""
        if self._pending[row]:
            self._pending[row] = False
            if self.amount:
                self.blog.payments.seed_credits([(account, self.amount)])
