"""`--trace FILE`: every action as one JSON line, for replay by the load tests.

Each line is `{"t": simulated seconds, "actor": account id, "action": request path,
"params": what the request carried}`, in the order the actions happened.
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
