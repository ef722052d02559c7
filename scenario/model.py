"""The root of a scenario file: the experiment's identity, its clock, and every section."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, model_validator

from outcomes.slo import parse_slo
from scenario.apps import AppsConfig
from scenario.behaviour import BehaviourConfig
from scenario.churn import ChurnConfig
from scenario.economy import EconomyConfig
from scenario.events import ScriptedEvent
from scenario.fields import Section, section, spec
from scenario.loadtest import LoadtestConfig
from scenario.platform import PlatformSection
from scenario.population import PopulationConfig
from scenario.sharding import ShardingConfig


def _slo_text(text: str) -> str:
    """Keep the SLO as written (the Result quotes it); parse it only to reject bad ones."""
    parse_slo(text)
    return text


Slo = Annotated[str, AfterValidator(_slo_text)]


class Scenario(Section):
    """One experiment, read by `fanout run` (simulation) and `fanout loadtest` (Locust).

    A file only needs the fields that differ from these defaults.
    """

    name: str = spec(
        "scenario", "Short name used in results and reports; defaults to the file's stem.",
        min_length=1,
    )  # fmt: skip
    description: str = spec("", "What the experiment asks, in a sentence or two.")
    seed: int = spec(
        42, "Seed of the run: the population and each replication draw from independent "
        "streams spawned from it (numpy SeedSequence).", ge=0,
    )  # fmt: skip
    replications: int = spec(
        1, "Independent runs whose means and 95 % intervals are reported.", unit="runs", ge=1
    )
    duration_days: float = spec(1.0, "Simulated time to run.", unit="simulated days", gt=0)
    warmup_days: float = spec(
        0.0, "Simulated time at the start left out of the metrics.", unit="simulated days", ge=0
    )
    history_days: float = spec(
        0.0, "Simulated days of posts the platform holds when the run starts, drawn from "
        "the scenario's own posting rates and already delivered into home timelines (see "
        "`sim.history`), so the first hour reads timelines nearly as full as the last; 0 "
        "starts with accounts and follows but no posts. A load test seeds its server with "
        "as many days of posts (a day at least: loadtests/control/seed.py). Every shipped "
        "scenario sets it "
        "(a week: a session's two pages of 20 posts fill in 3-7 days at the default "
        "rates, 1-2 days still ramp; a day at a million accounts, for memory), so copy "
        "one; the default stays 0 because the right length depends on the population and "
        "its readers' pages, and the suite's small test scenarios stay cheap and cold. "
        "Full feeds carry their ads from the first hour: baseline's day takes about 1.5x "
        "the CPU with 7 days and shows 3.3x the ad impressions.",
        unit="simulated days",
        ge=0,
    )  # fmt: skip
    start_hour: float = spec(
        0.0, "Hour of day the simulated clock starts at.", unit="hour of day", ge=0, lt=24
    )
    timeseries_interval_hours: float = spec(
        1.0, "Interval between rows of timeseries.csv.", unit="simulated hours", gt=0
    )
    population: PopulationConfig = section(PopulationConfig, "Accounts, roles and the graph.")
    behaviour: BehaviourConfig = section(BehaviourConfig, "Sessions and actions.")
    economy: EconomyConfig = section(EconomyConfig, "Ads, commerce, games and top-ups.")
    apps: AppsConfig = section(AppsConfig, "Third-party apps: polling, posting, purchases.")
    churn: ChurnConfig = section(ChurnConfig, "Why users leave.")
    platform: PlatformSection = section(PlatformSection, "Timeline strategy and capacity.")
    events: list[ScriptedEvent] = spec([], "Scripted events, such as a big V's post at the peak.")
    slos: list[Slo] = spec(
        [], "Service-level objectives checked on the Result, as `metric <op> number`, e.g. "
        "`latency.timeline_read.p95_ms <= 200`.",
    )  # fmt: skip
    loadtest: LoadtestConfig = section(LoadtestConfig, "The Locust load test.")
    sharding: ShardingConfig = section(
        ShardingConfig, "How the shards of a run split by account (`--shards`) keep in step."
    )

    @model_validator(mode="after")
    def _clock_fits(self) -> Scenario:
        if self.warmup_days >= self.duration_days:
            raise ValueError("warmup_days must be shorter than duration_days")
        late = [event.at_hours for event in self.events if event.at_hours >= self.hours]
        if late:
            raise ValueError(
                f"events at {late} h start after the run ends at {self.hours:g} h (`at_hours` "
                "counts from the run's start): move them inside the run, or leave them out "
                "(on the command line: --set 'events=[]')"
            )
        return self

    @property
    def hours(self) -> float:
        """Simulated hours in the run."""
        return self.duration_days * 24
