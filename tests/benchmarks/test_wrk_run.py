"""Reading wrk's report: the numbers the server benchmark keeps; no report, no numbers."""

from __future__ import annotations

import pytest

from benchmarks.wrk_run import parse_report

REPORT = """Running 8s test @ http://127.0.0.1:8000/timeline/home
  1 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   104.21ms   20.11ms 412.00ms   90.00%
    Req/Sec   192.10     30.50   250.00     70.00%
  Latency Distribution
     50%  101.00ms
     75%  110.00ms
     90%  120.00ms
     99%    1.25s
  1536 requests in 8.00s, 3.10MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:    191.95
Transfer/sec:    396.80KB
"""


def test_a_full_report_gives_rate_p99_in_ms_refusals_and_socket_errors() -> None:
    result = parse_report(REPORT)
    assert result.requests == 1536
    assert result.requests_per_s == pytest.approx(191.95)
    assert result.p99_ms == pytest.approx(1250.0)  # seconds converted
    assert (result.refused, result.socket_errors) == (7, 5)


def test_microsecond_latencies_and_a_clean_run() -> None:
    clean = REPORT.replace("1.25s", "950.00us").replace("  Non-2xx or 3xx responses: 7\n", "")
    clean = clean.replace("  Socket errors: connect 0, read 2, write 0, timeout 3\n", "")
    result = parse_report(clean)
    assert result.p99_ms == pytest.approx(0.95)
    assert (result.refused, result.socket_errors) == (0, 0)


def test_a_report_without_latency_percentiles_is_refused() -> None:
    """Without `--latency` wrk prints no percentiles; a p99 must never be made up."""
    with pytest.raises(RuntimeError, match="99% latency"):
        parse_report(REPORT.replace("     99%    1.25s\n", ""))
