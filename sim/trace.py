"""`--trace FILE`: every action as one JSON line, for replay by the load tests.

Each line is `{"t": simulated seconds, "actor": account id, "action": request path,
"params": what the request carried}`, in the order the actions happened. Accounts, posts,
groups, shops, products, campaigns and impressions are named by their ids in the
simulated platform; a call that created a post adds its id as `post`. What a replay needs
of each action:

| action | params |
| --- | --- |
| `timeline_read` | `cursor`, `limit` |
| `post` / `repost` / `group_post` | `text`; `post_id` reposted; `group_id` |
| `comment` | `post_id`, `text`; `mention_id`: the friend @named in the text, if any |
| `like` | `post_id` |
| `follow` / `unfollow` | `account_id` |
| `group_read` / `group_join` | `group_id` (`limit` for a read) |
| `chat_presence` / `chat_send` | `status` / `to` (account), `text` |
| `topup` | `amount_fen`, `channel`, `idempotency_key` |
| `gift` | `recipient_id`, `amount_fen`, `idempotency_key` |
| `game_purchase` | `item_id`, `quantity`, `idempotency_key` |
| `order` | `product_id`, `post_id` (None from a shop page), `idempotency_key` |
| `product_post` | `product_id`, `text` |
| `shop_browse` | `shop_id`, `limit` |
| `ad_click` / `ad_hide` | `impression_id`, `campaign_id` |
| `campaign_report` / `_change` | `campaign_id`; a launch: `post_id`, `bid`, `total_budget` |
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import orjson


class Trace:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._out: IO[bytes] = path.open("wb")

    def write(self, t: float, actor: int, action: str, params: dict[str, Any]) -> None:
        line = {"t": round(t, 6), "actor": actor, "action": action, "params": params}
        self._out.write(orjson.dumps(line) + b"\n")

    def close(self) -> None:
        self._out.close()
