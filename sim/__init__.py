"""The simulator: a population drives the reference microblog in-process, in simulated time.

Layers, bottom up:

- `graph`, `edgelist`: the follower graph (synthetic heavy-tailed, or a file) as CSR rows;
- `population`, `profiles`, `propensity`: who the accounts are, as numpy columns;
- `seeding`: a fresh microblog over the memory store, bulk-loaded with the population, its
  money rules from the scenario's economy and a seeded gateway that waits in simulated time;
- `arrivals`: diurnal Poisson arrivals over the whole population at once;
- `activities`: what people do in a session, one module per kind of activity;
- `users`, `churn`: per-replication activity, exposure, churn and retention;
- `capacity`: the queueing model pricing each call's work on modelled servers;
- `engine`: one replication; `measure`: its metrics and timeseries;
- `runner`, `output`, `plots`, `terminal`, `trace`, `sweep`: `fanout run` and `fanout sweep`.
"""
