"""Edge-list graphs: comments, extra columns, renumbering, undirected files, bad lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scenario import scenario_from_dict
from sim.edgelist import EdgeListError, read_edge_list
from sim.population import Kind, build_population
from sim.runner import load_graph


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "graph.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_ids_are_renumbered_in_order_of_appearance_and_comments_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# a SNAP header\n% a KONECT header\n\n10 20\n20 30 1 1650000000\n30 10\n10 20\n7 7\n",
    )
    follows = read_edge_list(path)
    assert follows.n_rows == 4  # 10, 20, 30, 7 -> 0, 1, 2, 3
    assert [follows.row(i).tolist() for i in range(4)] == [[1], [2], [0], []]


def test_undirected_lines_follow_both_ways(tmp_path: Path) -> None:
    follows = read_edge_list(write(tmp_path, "1 2\n2 3\n"), undirected=True)
    assert [follows.row(i).tolist() for i in range(3)] == [[1], [0, 2], [1]]


def test_a_bad_line_is_reported_with_its_number(tmp_path: Path) -> None:
    path = write(tmp_path, "1 2\n# fine\n3 x\n")
    with pytest.raises(EdgeListError, match=r"graph.txt, line 3: expected 'follower followee'"):
        read_edge_list(path)


def test_a_file_of_comments_only_has_no_edges(tmp_path: Path) -> None:
    with pytest.raises(EdgeListError, match="no edges"):
        read_edge_list(write(tmp_path, "# nothing\n"))


def test_population_follows_the_graph_and_the_most_followed_are_big_v(tmp_path: Path) -> None:
    """200 accounts; account 5 is followed by everyone, 6 by half, the rest form a ring."""
    lines = [f"{i} 5" for i in range(200) if i != 5] + [f"{i} 6" for i in range(0, 200, 2)]
    lines += [f"{i} {(i + 1) % 200}" for i in range(200)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    scenario = scenario_from_dict(
        {"population": {"graph": {"kind": "edgelist", "path": str(path)},
                        "big_v_share": 0.005, "medium_v_share": 0.005}}
    )  # fmt: skip
    rng = np.random.default_rng(1)
    follows = load_graph(scenario, rng)
    population = build_population(scenario, follows, rng)
    assert population.size == 200
    appearance = list(dict.fromkeys(int(i) for line in lines for i in line.split()))
    assert population.rows_of(Kind.BIG_V).tolist() == [appearance.index(5)]
    assert population.rows_of(Kind.MEDIUM_V).tolist() == [appearance.index(6)]
