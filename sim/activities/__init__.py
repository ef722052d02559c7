"""Activities: what people do on the platform, one module per kind of activity.

- `push_reads`: a phone reads its push outbox as its session opens (mobile sessions);
- `social`: read the home timeline, post, repost, comment (@-mentioning a friend), like,
  follow, unfollow, group posts, reads and joins (every session);
- `chat`: presence, a live in-process connection, messages to friends (a share of sessions);
- `payments`: top-ups through the gateway (late callbacks included), game items, gifts;
- `ads`: clicks and dismissals of feed ads, ad exposure, advertisers' daily rebidding;
- `commerce`: product posts, shop browsing, orders through the ledger;
- `schedule`: influencers' and merchants' own posting, and scripted events (`events:`);
- `memberships`: paid memberships bought in sessions, renewed or lapsed by the
  operator's renewal run (each activity that moves money also attributes it to the
  payer's client: `sim.client_revenue`);
- `tally`: counts an activity keeps of its own outcomes (interval, window, run).

Feed readers (`social.FeedReader`) see each session's feed items right after it is read.

How to add an activity
----------------------
1. Write `sim/activities/<name>.py` with a class taking the `sim.world.World` (clock,
   microblog, population columns, per-user state, the behaviour generator and `Draws`):

   - a session activity implements `SessionActivity` (see `base`): `plan(rows)` draws, for
     a whole batch of arriving sessions at once (numpy, vectorised), one plan per session
     or None to sit it out; `steps(row, plan)` is a generator yielding `Call(path, action,
     params)`. The engine runs `action()` against the service layer inside a work-recording
     scope, prices the work on the capacity model under `path`, and sends the result back
     (a `Refused` when the service raised a DomainError; it counts as an error unless the
     `Call` lists its type in `expected`, as payments do for `InsufficientFunds`);
   - a source of arrivals outside sessions implements `Schedule`: `arrivals(segment)`
     returns the `Arrival`s that start within a stretch of simulated time
     (`sim.arrivals.PoissonArrivals` draws diurnal Poisson arrivals over many accounts);
     something an activity learns of only as it happens (a gateway's late callback) it
     starts later with `world.start_at(arrival)`;
   - an activity that measures something implements `Measured` (keep its counts in a
     `tally.Tally`) and counts inside the call's action, when the service did it: a session
     cut off by the end of the run never gets its last results back.

2. Register it in `sim.engine.Simulation.__init__` (`self.activities` or
   `self.schedules`), in the order its part of a session should run.
3. Use request paths from `outcomes.metrics.LATENCY_PATHS` (add new ones there with a
   description, and regenerate docs/metrics.md); every behavioural number it needs is a
   scenario field with a default, unit and source (scenario/).
4. Report what users saw that drives churn through `world.users.exposure[...]` (ads,
   untargeted product posts) and friend interactions through `world.users.friend_interacted`.
5. Money: emit `revenue.*` and `commerce.*` metrics only from an activity that really
   moves coins through the ledger (payments: `revenue.games`); a stream the scenario
   switches off is absent, not zero. Waits on services outside the platform (the payment
   gateway) go to `world.waits`, which the engine adds to the call's latency.
"""
