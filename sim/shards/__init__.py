"""One replication split by account over K shards, each a Ray actor with its own SimPy
environment and microblog, kept in step at synchronisation windows (docs/sharding.md).

- `partition`: which shard owns each account, each shard's seed and the stream all share;
- `messages`: what one shard tells another at a barrier, its total order and its counts;
- `routes`: which messages a shard's call makes, one handler per request path;
- `replica`: how a shard applies another's message through its own service layer;
- `presence`: other shards' connected accounts, as a shard's chat switchboard sees them;
- `pushes`: pushes to another shard's accounts, handed over to their outboxes;
- `fanservice`: fan services drawn alike on every shard, counted by owner;
- `budgets`: the driver's per-shard ad allowances, and the overspend it measures;
- `ad_billing`: a shard's ad charges (sent to the advertiser's shard), its report and grants;
- `shard`: a simulation that runs only its own accounts' arrivals and routes effects;
- `merge`: one replication's metrics and timeseries from the shards' records;
- `support`: what a sharded run cannot carry yet (refused, never dropped);
- `executor`: the Ray cluster, the actors and the window loop.
"""
