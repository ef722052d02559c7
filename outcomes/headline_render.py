"""The first screen (SLO verdicts, then headline cards) as HTML and as a terminal table.

Both renderers read one `Headline`, so `fanout run`'s summary and `report.html` say the
same thing in the same order. Values read as people say them: ratios as percentages,
units after the number, changes as `+12.3 % worse` with the comparison's q-value.
"""

from __future__ import annotations

import html

from rich.console import Group
from rich.markup import escape
from rich.table import Table

from outcomes.compare import Change
from outcomes.compare_render import VERDICT_STYLES, change_text
from outcomes.formatting import number, percent
from outcomes.gate import Check
from outcomes.headline import Card, Headline, Reading, Verdict
from outcomes.metrics import CATALOGUE, metric_label
from outcomes.result import INTERVAL_METHODS, Metric

BARE_UNITS = frozenset({"count", "bool", ""})
"""Units a number reads without."""
HEADLINE_DIGITS = 3
OPERATOR_SIGNS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "==": "="}
CHANGE_MARKS = {"better": "▲ better", "worse": "▼ worse"}


def with_unit(value: float, unit: str) -> str:
    """`12.3 %` for a ratio, `1,234 coins`, `85.2 ms`; counts bare; three significant
    digits, as a headline reads (the full table has four)."""
    if unit == "ratio":
        return percent(value)
    text = number(value, HEADLINE_DIGITS)
    return text if unit in BARE_UNITS else f"{text} {unit}"


def interval_text(metric: Metric) -> str:
    """`95 % CI 1,200 – 1,260`, or nothing without an interval."""
    if metric.ci95 is None:
        return ""
    lo, hi = (with_unit(bound, metric.unit) for bound in metric.ci95)
    return f"95 % CI {lo} – {hi}"


def method_text(metric: Metric) -> str:
    """`95 % within-run interval (order statistic)`, `95 % interval over replications
    (t-interval)`, or nothing when the interval does not say how it was made."""
    if metric.ci95 is None or metric.interval is None:
        return ""
    if metric.interval == "replications":
        return "95 % interval over replications (t-interval)"
    return f"95 % within-run interval ({INTERVAL_METHODS[metric.interval]})"


def slo_text(verdict: Verdict) -> str:
    """`Timeline read latency, 95th percentile ≤ 200 ms`, in the metric's own unit."""
    slo = verdict.slo
    info = CATALOGUE.get(slo.metric)
    threshold = with_unit(slo.threshold, info.unit if info else "")
    return f"{metric_label(slo.metric)} {OPERATOR_SIGNS[slo.op]} {threshold}"


def check_text(check: Check, verdict: Verdict) -> str:
    """`PASS 12.3 ms` / `FAIL 250 ms` / `FAIL not measured`."""
    mark = "PASS" if check.passed else "FAIL"
    if check.observed is None:
        return f"{mark} not measured"
    unit = CATALOGUE.get(verdict.slo.metric)
    return f"{mark} {with_unit(check.observed, unit.unit if unit else '')}"


def verdict_summary(headline: Headline) -> str:
    """`All 4 SLOs met`, `1 of 4 SLO checks failed`, or that the scenario lists none."""
    checks = [check for verdict in headline.verdicts for check in verdict.checks]
    if not checks:
        return "No SLOs: the scenario lists none (`slos:`)"
    failed = sum(not check.passed for check in checks)
    if not failed:
        return f"All {len(headline.verdicts)} SLOs met"
    return f"{failed} of {len(checks)} SLO checks failed"


def _single_replication_note(headline: Headline) -> str:
    """What the intervals of runs of one replication are: from within the run (a
    simulation's), or none at all (a load test's)."""
    single = [i for i, n in enumerate(headline.replications) if n < 2]
    within = [headline.labels[i] for i in single if _has_within_run(headline, i)]
    bare = [headline.labels[i] for i in single if headline.labels[i] not in within]
    notes = []
    if within:
        notes.append(
            f"{', '.join(within)}: one replication, so intervals are within-run (this run's "
            "events, its population fixed); `--replications 3` or more also samples "
            "populations and tests changes by Welch's test."
        )
    if bare:
        notes.append(
            f"{', '.join(bare)}: one replication, so no 95 % intervals and no test of "
            "changes; `--replications 3` or more gives both."
        )
    return " ".join(notes)


def _has_within_run(headline: Headline, run: int) -> bool:
    readings = [card.readings[run] for group in headline.groups for card in group.cards]
    return any(r is not None and _method_word(r.value) for r in readings)


def moved_lines(headline: Headline) -> list[str]:
    """Per later run, which headline numbers changed significantly and by how much."""
    lines = []
    for i, label in enumerate(headline.labels[1:]):
        moved = [
            f"{card.label} {change_words(change)}"
            for group in headline.groups
            for card in group.cards
            if (change := card.changes[i]) is not None and change.verdict in CHANGE_MARKS
        ]
        against = f"{label} against {headline.labels[0]}"
        lines.append(
            f"{against}, changed significantly: {'; '.join(moved)}"
            if moved
            else f"{against}: no headline number changed significantly"
        )
    return lines


# --- HTML ---------------------------------------------------------------------------------


def headline_html(headline: Headline) -> str:
    """The verdict block and the card groups, for the top of report.html."""
    compared = ' class="compared"' if len(headline.labels) > 1 else ""
    single = _single_replication_note(headline)
    return (
        f'<section id="first-screen"{compared}>{_verdicts_html(headline)}'
        + (_tag("p", "single", single) if single else "")
        + "".join(_tag("p", "moved", line) for line in moved_lines(headline))
        + "".join(
            f'<div class="group"><h3>{html.escape(g.title)}</h3><div class="cards">'
            + "".join(_card_html(card, headline.labels) for card in g.cards)
            + "</div></div>"
            for g in headline.groups
        )
        + "</section>"
    )


def _verdicts_html(headline: Headline) -> str:
    state = "none" if not headline.verdicts else "pass" if headline.passed else "fail"
    rows = "".join(
        f"<tr><td>{html.escape(slo_text(v))}</td>"
        + "".join(_check_cell(c, v) for c in v.checks)
        + "</tr>"
        for v in headline.verdicts
    )
    head = ""
    if len(headline.labels) > 1 and rows:
        head = "<tr><th>SLO</th>" + "".join(
            f"<th>{html.escape(label)}</th>" for label in headline.labels
        )
        head += "</tr>"
    table = f'<table class="slos">{head}{rows}</table>' if rows else ""
    summary = html.escape(verdict_summary(headline))
    return f'<div id="verdict" class="verdict {state}"><h2>{summary}</h2>{table}</div>'


def _check_cell(check: Check, verdict: Verdict) -> str:
    css = "pass" if check.passed else "fail"
    return f'<td class="{css}">{html.escape(check_text(check, verdict))}</td>'


def _card_html(card: Card, labels: list[str]) -> str:
    title = html.escape(CATALOGUE[card.metric].description if card.metric in CATALOGUE else "")
    body = _reading_html(card.readings[0]) if len(labels) == 1 else _compared_html(card, labels)
    return (
        f'<div class="card" title="{title}"><div class="label">{html.escape(card.label)}</div>'
        f"{body}</div>"
    )


def _reading_html(reading: Reading | None) -> str:
    if reading is None:
        return _tag("div", "value", "–")
    metric = reading.value
    texts = [
        (with_unit(metric.value, metric.unit), "value", ""),
        (interval_text(metric), "ci", method_text(metric)),
        (_method_word(metric), "method", method_text(metric)),
        (reading.note, "note", ""),
    ]
    return "".join(_tag("div", css, text, title) for text, css, title in texts if text)


def _method_word(metric: Metric) -> str:
    """The card's small print under an interval: `within run, order statistic`."""
    if metric.ci95 is None or metric.interval in (None, "replications"):
        return ""
    return f"within run, {INTERVAL_METHODS[metric.interval]}"


def _compared_html(card: Card, labels: list[str]) -> str:
    """Each run's value (its interval as a tooltip), then each later run's change."""
    rows = "".join(
        f"<tr>{_tag('td', 'run', label, label)}{_value_cell(reading)}</tr>"
        for label, reading in zip(labels, card.readings, strict=True)
    )
    changes = "".join(
        _tag("div", f"change {change.verdict}", _change_line(label, change, len(labels)))
        for label, change in zip(labels[1:], card.changes, strict=True)
        if change is not None
    )
    return f'<table class="runs">{rows}</table>{changes}'


def _value_cell(reading: Reading | None) -> str:
    if reading is None:
        return _tag("td", "value", "–")
    metric = reading.value
    tip = "; ".join(t for t in (interval_text(metric), method_text(metric)) if t)
    return _tag("td", "value", with_unit(metric.value, metric.unit), tip)


def _change_line(label: str, change: Change, runs: int) -> str:
    """The change alone when two runs are compared, else prefixed by the run it is of."""
    return change_words(change) if runs == 2 else f"{label}: {change_words(change)}"


def _tag(name: str, css: str, text: str, title: str = "") -> str:
    tip = f' title="{html.escape(title)}"' if title else ""
    return f'<{name} class="{css}"{tip}>{html.escape(text)}</{name}>'


def change_words(change: Change) -> str:
    """`+12.3 % ▼ worse (q=0.002)`: the comparison's change text with a direction mark."""
    text = change_text(change)
    for verdict, mark in CHANGE_MARKS.items():
        text = text.replace(f" {verdict}", f" {mark}")
    return text


# --- terminal ------------------------------------------------------------------------------


def headline_console(headline: Headline) -> Group:
    """Verdicts first, then the headline numbers: what `fanout run` prints at the end."""
    return Group(_verdict_table(headline), _cards_table(headline))


def _verdict_table(headline: Headline) -> Table:
    style = "green" if headline.passed else "red"
    table = Table(title=f"[bold {style}]{escape(verdict_summary(headline))}[/]")
    table.add_column("SLO")
    for label in headline.labels:
        table.add_column(label if len(headline.labels) > 1 else "result")
    for verdict in headline.verdicts:
        cells = [
            f"[{'green' if c.passed else 'red'}]{escape(check_text(c, verdict))}[/]"
            for c in verdict.checks
        ]
        table.add_row(escape(slo_text(verdict)), *cells)
    return table


def _cards_table(headline: Headline) -> Table:
    table = Table(title="Headline numbers", caption=_single_replication_note(headline) or None)
    table.add_column("", no_wrap=True)
    for i, label in enumerate(headline.labels):
        table.add_column(label if len(headline.labels) > 1 else "value", justify="right")
        if i > 0:
            table.add_column(f"Δ {label}")
    table.add_column("95 % CI / note")
    for group in headline.groups:
        table.add_row(f"[bold]{escape(group.title)}[/]")
        for card in group.cards:
            table.add_row(*_card_cells(card))
    return table


def _card_cells(card: Card) -> list[str]:
    cells = [escape(card.label)]
    first = card.readings[0]
    cells.append(_value_text(first))
    for reading, change in zip(card.readings[1:], card.changes, strict=True):
        cells += [_value_text(reading), _change_cell(change)]
    notes = [_interval_with_method(first.value), first.note] if first is not None else []
    cells.append(escape("; ".join(n for n in notes if n)))
    return cells


def _interval_with_method(metric: Metric) -> str:
    """`95 % CI 41.6 ms – 52.2 ms (within run, order statistic)` for the terminal."""
    word = _method_word(metric)
    return f"{interval_text(metric)} ({word})" if word else interval_text(metric)


def _value_text(reading: Reading | None) -> str:
    return "–" if reading is None else escape(with_unit(reading.value.value, reading.value.unit))


def _change_cell(change: Change | None) -> str:
    if change is None:
        return ""
    style = VERDICT_STYLES.get(change.verdict, "")
    text = escape(change_words(change))
    return f"[{style}]{text}[/]" if style else text
