"""`python -m benchmarks`: run the suite, print the table, optionally write the JSON report."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from benchmarks.report import render, suite_report, table_console, write_json
from benchmarks.runner import FAILING, run_benchmark
from benchmarks.suite import select


@click.command()
@click.option("--quick", is_flag=True, help="Smaller sizes and fewer repeats (what CI runs).")
@click.option("--only", metavar="NAME[,NAME]", help="Run only these benchmarks.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the report as JSON to this file.")  # fmt: skip
def main(quick: bool, only: str | None, json_file: Path | None) -> None:
    """Measure Fanout's own speed: medians, spreads and ratios to same-run references.

    Exits 0 unless a benchmark crashed or failed a correctness check (1) or the arguments
    are wrong (2); never on a time.

    Example: python -m benchmarks --quick --only fanout --json results/benchmarks-quick.json
    """
    try:
        benchmarks = select(only)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    console = Console(stderr=True)
    results = []
    for benchmark in benchmarks:
        console.print(f"running {benchmark.name} …")
        results.append(run_benchmark(benchmark, quick))
    report = suite_report(results, quick)
    render(report, table_console())
    if json_file is not None:
        write_json(json_file, report)
    sys.exit(1 if any(r["status"] in FAILING for r in results) else 0)


if __name__ == "__main__":
    main()
