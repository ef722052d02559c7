"""The cyclic collector during a run: paused, settled at each clock boundary, restored after."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable

from scenario import Scenario
from sim.collector import collector_paused, frozen_heap, settle

from .conftest import run_once


class Node:
    """Something that can sit in a reference cycle and be watched through a weak reference."""

    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_settle_frees_cycles_made_while_paused_and_freezes_the_survivors() -> None:
    with frozen_heap(), collector_paused():
        kept = Node()
        garbage = cycle()
        frozen_before = gc.get_freeze_count()
        assert garbage() is not None  # paused: nothing collects it on its own
        settle()
        assert garbage() is None and kept.other is None
        assert gc.get_freeze_count() > frozen_before
    assert gc.get_freeze_count() == 0


def test_a_run_leaves_the_collector_as_it_found_it(tiny: Callable[..., Scenario]) -> None:
    assert gc.isenabled()
    _, outcome = run_once(tiny(duration_days=0.05))
    assert outcome.actions > 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
