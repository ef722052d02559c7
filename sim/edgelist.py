"""Real follower graphs from edge-list files (SNAP, KONECT and the like).

A line is `follower followee` as two integers separated by whitespace; further columns
(weights, timestamps) are ignored, and lines starting with `#` or `%` are comments. Ids are
renumbered 0..n-1 in order of first appearance, so the population has exactly as many
accounts as the file names; self-follows and repeated lines count once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from microblog.store.memory_bulk import Csr

COMMENT_MARKS = ("#", "%")


class EdgeListError(ValueError):
    """The file cannot be read as an edge list; the message names the file and line."""


def read_edge_list(path: str | Path, undirected: bool = False) -> Csr:
    """Followees per account; with `undirected`, every line is a follow both ways."""
    pairs = _pairs(Path(path))
    unique, first_seen, inverse = np.unique(pairs.ravel(), return_index=True, return_inverse=True)
    rank = np.empty(unique.size, dtype=np.int64)
    rank[np.argsort(first_seen, kind="stable")] = np.arange(unique.size)
    dense = rank[inverse].reshape(-1, 2)
    rows, cols = dense[:, 0], dense[:, 1]
    if undirected:
        rows, cols = np.concatenate([rows, cols]), np.concatenate([cols, rows])
    keep = rows != cols
    return Csr.from_pairs(rows[keep], cols[keep], unique.size)


def _pairs(path: Path) -> np.ndarray:
    """The (follower, followee) ids of every data line, in file order."""
    lines = _data_lines(path)
    if not lines:
        raise EdgeListError(f"{path}: no edges (every line is empty or a comment)")
    try:
        columns = [line.split(maxsplit=2)[:2] for _, line in lines]
        pairs = np.array(columns, dtype=np.int64)
    except ValueError:
        number, line = next(
            (n, text) for n, text in lines if not _is_pair(text.split(maxsplit=2)[:2])
        )
        raise EdgeListError(
            f"{path}, line {number}: expected 'follower followee' integer ids, got {line!r}"
        ) from None
    return pairs


def _data_lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EdgeListError(f"{path}: cannot read edge list: {exc}") from None
    return [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith(COMMENT_MARKS)
    ]


def _is_pair(tokens: list[str]) -> bool:
    return len(tokens) == 2 and all(token.lstrip("-").isdigit() for token in tokens)
