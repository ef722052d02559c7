"""A fit shown to people and programs: the verdict table, --json, the fitted line's comment."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from outcomes.fit import Fit, Target, search
from outcomes.fit_render import fit_data, fit_progress_bar, fit_table, fitted_comment
from outcomes.result import Result
from outcomes.sweep import Overrides
from tests.outcomes.test_fit import IMPRESSIONS, LOAD, ads_runner


def a_fit(*targets: Target, budget: int = 6) -> Fit:
    return search([LOAD], list(targets), ads_runner, budget=budget)


def rendered(fit: Fit) -> str:
    console = Console(file=io.StringIO(), width=120)
    console.print(fit_table(fit))
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_the_table_marks_each_target_met_or_missed_with_the_best_values() -> None:
    text = rendered(a_fit(Target(IMPRESSIONS, 600, 600), Target("ads.ctr", 0.5, 0.01)))
    assert "1 of 2 targets met" in text
    assert "MET" in text and "MISSED" in text and "600 ± 600" in text
    assert "economy.ads.load=" in text


def test_json_has_each_target_achieved_with_its_interval_and_the_verdict() -> None:
    fit = a_fit(Target(IMPRESSIONS, 600, 600))
    data = json.loads(json.dumps(fit_data(fit, Path("fitted.yaml"))))
    (target,) = data["targets"]
    assert data["met"] is True and target["met"] is True
    assert target["ci95"][0] < target["achieved"] < target["ci95"][1]
    assert data["values"] == fit.best.values and data["fitted"] == "fitted.yaml"


def test_the_comment_names_every_target_what_it_achieved_and_any_set() -> None:
    fit = a_fit(Target(IMPRESSIONS, 600, 60), Target("ads.ctr", 0.015, 0.01))
    comment = fitted_comment(fit, ["population.users=500"])
    assert comment.startswith("fitted by fanout fit with --set population.users=500: ")
    assert "target ads.impressions=600±60, achieved " in comment
    assert "; target ads.ctr=0.015±0.01, achieved 0.015" in comment


def test_the_progress_bar_counts_candidates_and_replications_on_a_terminal_only() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system=None, width=100)
    with fit_progress_bar(console, True, 3, replications=3) as progress:
        assert progress is not None

        def reporting(values: Overrides) -> Result:
            progress.replications(2 * 86_400, 3 * 86_400)  # two of three simulated days
            return ads_runner(values)

        fit = search([LOAD], [Target(IMPRESSIONS, 600, 1)], reporting, 3, progress.candidates)
    shown = out.getvalue()
    assert "3/3 candidates" in shown and len(fit.candidates) == 3
    assert "candidate 3" in shown and "2/3 replications" in shown
    with fit_progress_bar(console, False, 3, replications=3) as nothing:
        assert nothing is None
