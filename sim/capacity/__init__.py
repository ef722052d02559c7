"""The capacity model: turning each call's `Work` into queueing delay on modelled servers.

- `demand`: prices a call's work as service demand per station (shared by both models);
- `fcfs`: the compiled first-come-first-served kernel (start times of a batch of jobs);
- `station`: one multi-server FIFO station solved in batches, with exact statistics;
- `requests`, `jobs`, `draws`: the model's column buffers, requests in flight, and draws;
- `model`: `CapacityModel`, the platform the simulator submits calls to (off the event loop);
- `analytic`: closed-form single-station queueing (Erlang C, M/M/c, percentiles);
- `network`: closed-form solution of the whole platform for given arrival rates;
- `plan`: the fewest servers per station meeting a list of SLOs;
- `workload`: a scenario's peak-hour rates and mean work per path at N users (a probe, scaled);
- `sizing`: `fanout plan` — workload, search and SLO verdicts together.
"""
