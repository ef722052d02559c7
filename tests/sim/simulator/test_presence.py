"""Presence that follows sessions and clients: mobile apps stay reachable in the background,
web clients leave with their chat, and a session takes back a connection still open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from scenario import Scenario
from sim.activities.chat import Chat
from sim.activities.presence import Connections
from sim.engine import Simulation

from .conftest import population_of, run_once

SOME_CHAT: dict[str, Any] = {"sessions_per_day": 20, "per_session": {"chat": 0.3}}
"""Frequent sessions, a third of them chatting."""


def two_hours(tiny: Callable[..., Scenario], mobile_share: float, minutes: float) -> Scenario:
    behaviour = {**SOME_CHAT, "chat": {"mobile_background_minutes": minutes}}
    population = {"users": 150, "mobile_share": mobile_share}
    return tiny(duration_days=0.08, population=population, behaviour=behaviour)


def connections(simulation: Simulation) -> Connections:
    (chat,) = (a for a in simulation.activities if isinstance(a, Chat))
    return chat.connections


def test_mobile_apps_in_the_background_receive_far_more_messages_live(
    tiny: Callable[..., Scenario],
) -> None:
    """Same people and sessions: on mobile apps that linger, most messages arrive live;
    on web clients that leave with their chat, few do."""
    web = run_once(two_hours(tiny, 0.0, 240))[1].metrics["chat.delivered_live_share"][0]
    mobile = run_once(two_hours(tiny, 1.0, 240))[1].metrics["chat.delivered_live_share"][0]
    assert mobile > 0.5 > web
    assert mobile > 2 * web


def connects(scenario: Scenario) -> tuple[Simulation, list[int]]:
    """Run, noting every account the service saw connect."""
    population, seed = population_of(scenario)
    simulation = Simulation(scenario, population, seed)
    chat, connected = simulation.world.blog.chat, []
    real = chat.connect

    def connect(account_id: int, connection: Any) -> None:
        connected.append(account_id)
        real(account_id, connection)

    chat.connect = connect  # type: ignore[method-assign]
    simulation.run()
    return simulation, connected


def test_every_session_of_a_lingering_app_reuses_one_connection(
    tiny: Callable[..., Scenario],
) -> None:
    """With a background far longer than the run, each mobile account connects once and
    stays connected; web clients connect again for every chat."""
    simulation, connected = connects(two_hours(tiny, 1.0, 10**6))
    active = int(np.sum(simulation.users.last_active_day >= 0))
    assert len(connected) == len(set(connected)) == active > 0
    assert len(connections(simulation).open) == active
    _, web = connects(two_hours(tiny, 0.0, 10**6))
    assert len(web) > len(set(web)) > 0
