"""Activities: what people do on the platform, one module per kind of activity.

- `social`: read the home timeline, post, repost, comment, like, follow, group posts and
  joins (every session);
- `schedule`: influencers' and merchants' own posting, and scripted events (`events:`);
- `ads`: clicks and dismissals of feed ads, ad exposure, advertisers' daily rebidding;
- `commerce`: product posts, shop browsing, orders through the ledger.

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
     (a `Refused` when the service raised a DomainError);
   - a source of arrivals outside sessions implements `Schedule`: `arrivals(segment)`
     returns the `Arrival`s that start within a stretch of simulated time
     (`sim.arrivals.PoissonArrivals` draws diurnal Poisson arrivals over many accounts).

2. Register it in `sim.engine.Simulation.__init__` (`self.activities` or
   `self.schedules`), in the order its part of a session should run.
3. Use request paths from `outcomes.metrics.LATENCY_PATHS` (add new ones there with a
   description, and regenerate docs/metrics.md); every behavioural number it needs is a
   scenario field with a default, unit and source (outcomes/scenario/).
4. Report what users saw that drives churn through `world.users.exposure[...]` (ads,
   untargeted product posts) and friend interactions through `world.users.friend_interacted`.
5. Money: emit `revenue.*` and `commerce.*` metrics only from an activity that really
   moves coins through the ledger; until one does, those metrics are absent, not zero.
"""
