"""Measured runs: Locust drives the reference microblog over HTTP (`fanout loadtest`).

Three sub-packages, by the process their code runs in:

- `control`: the `fanout` process. It prepares the run, starts and seeds the server, starts
  Locust, then checks chat and the ledger and writes the Result. Start at
  `loadtests.control.run`.
- `generator`: inside Locust's processes (master and workers). The locustfile, the users,
  the load shape and the recorder; importing it monkey-patches the interpreter (gevent),
  so the control side never does. Start at `loadtests.generator.locustfile`.
- `records`: what the two sides hand each other: the plan file the control side writes
  for Locust with what it seeded (`records.seeded`), the trace being replayed, and the
  measurements (histograms, chat deliveries, payments, work) Locust writes back. Neither
  `generator` nor `records` imports `control`.
"""
