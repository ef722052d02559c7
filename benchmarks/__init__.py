"""Fanout's own performance suite: `python -m benchmarks [--quick] [--only NAME] [--json FILE]`.

Every number is reported as a median with its spread over several repeats, next to a
reference measured in the same run (the machine is shared; absolute times drift), and the
ratio of the two is what to compare between runs. See benchmarks/README.md.
"""
