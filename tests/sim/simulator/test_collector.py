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


def tracked_young(obj: object) -> bool:
    """Whether the collector will look at `obj` again: it is in one of the three
    generations (`gc.get_objects()` lists no frozen object). Asked of the object itself, not
    of the freeze count, which falls whenever a frozen object is freed (CI once saw it drop
    by four across a settle, on a worker whose earlier tests had frozen two million)."""
    return any(tracked is obj for tracked in gc.get_objects())


def test_settle_frees_cycles_made_while_paused_and_freezes_the_survivors() -> None:
    with frozen_heap(), collector_paused():
        kept = Node()
        garbage = cycle()
        assert garbage() is not None  # paused: nothing collects it on its own
        assert tracked_young(kept)
        settle()
        assert garbage() is None and kept.other is None
        assert not tracked_young(kept)  # frozen: no later collection walks it
    assert gc.get_freeze_count() == 0


def test_a_run_leaves_the_collector_as_it_found_it(tiny: Callable[..., Scenario]) -> None:
    assert gc.isenabled()
    _, outcome = run_once(tiny(duration_days=0.05))
    assert outcome.actions > 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
