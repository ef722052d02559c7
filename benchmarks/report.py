"""The suite's report: one JSON document (machine, date, commit, every benchmark) and a table."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

TABLE_WIDTH = 140
"""Characters the table may use even when the output is not a terminal (CI logs)."""
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def machine() -> dict[str, Any]:
    """Where the numbers were measured: they mean little without it."""
    return {
        "host": socket.gethostname(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
    }


def git_commit() -> str | None:
    """The commit measured (None outside a git checkout); `+dirty` when files were changed."""
    try:
        head = _git("rev-parse", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{head}+dirty" if dirty else head


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def suite_report(results: list[dict[str, Any]], quick: bool) -> dict[str, Any]:
    return {
        "machine": machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "quick": quick,
        "benchmarks": results,
    }


def write_json(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n")


def table_console() -> Console:
    """Standard output, at least `TABLE_WIDTH` wide when it is a log rather than a terminal."""
    console = Console()
    return console if console.is_terminal else Console(width=TABLE_WIDTH)


def render(report: dict[str, Any], console: Console) -> None:
    """The table: one row per number and per ratio, median with min–max and IQR."""
    m = report["machine"]
    title = (
        f"Fanout benchmarks{' (quick)' if report['quick'] else ''} — {m['host']}, "
        f"{m['cpu_count']} CPUs, Python {m['python']}, {report['date']}, "
        f"commit {report['git_commit'] or 'unknown'}"
    )
    table = Table(title=title)
    for column in ("benchmark", "number", "median", "min – max", "IQR", "unit"):
        table.add_column(column, justify="right" if column == "median" else "left", no_wrap=True)
    for bench in report["benchmarks"]:
        for row in _rows(bench):
            table.add_row(bench["name"], *row)
    console.print(table)
    for bench in report["benchmarks"]:
        for note in bench.get("notes", []):
            console.print(f"[yellow]{bench['name']}[/]: {note}")
        if bench["status"] == "failed":
            console.print(f"[red]{bench['name']} FAILED[/]: {bench['reason']}")


def _rows(bench: dict[str, Any]) -> list[tuple[str, ...]]:
    if bench["status"] not in ("ok", "failed"):
        return [(bench["status"], bench["reason"].strip().splitlines()[-1], "", "", "")]
    rows = [_row(name, s, s["unit"]) for name, s in bench["metrics"].items()]
    for name, r in bench["ratios"].items():
        rows.append(_row(name, r, "ratio") if "median" in r else (name, "skipped", "", "", ""))
    return rows


def _row(name: str, s: dict[str, Any], unit: str) -> tuple[str, ...]:
    return (
        name,
        _fmt(s["median"]),
        f"{_fmt(s['min'])} – {_fmt(s['max'])}",
        f"{_fmt(s['iqr'][0])} – {_fmt(s['iqr'][1])}",
        unit,
    )


SI_PREFIXES = ((1e9, "G"), (1e6, "M"), (1e3, "k"))


def _fmt(value: float) -> str:
    """Four significant digits, large numbers with an SI prefix, so the table stays narrow."""
    for scale, prefix in SI_PREFIXES:
        if abs(value) >= scale:
            return f"{value / scale:.4g}{prefix}"
    return f"{value:.4g}"
