"""Sessions take their process's seeded accounts in turn, and an account keeps its state."""

from __future__ import annotations

from loadtests.generator.accounts import Turns


def test_sessions_take_the_accounts_in_turn_round_and_round() -> None:
    turns = Turns(range(10, 15), worker=0, processes=1)
    taken = []
    for _ in range(7):
        taken.append(turns.take())
        turns.give_back(taken[-1])
    assert taken == [10, 11, 12, 13, 14, 10, 11]


def test_a_session_skips_the_accounts_other_users_act_as() -> None:
    turns = Turns(range(4), worker=0, processes=1)
    _, second = turns.take(), turns.take()
    turns.give_back(second)
    assert [turns.take(), turns.take(), turns.take()] == [2, 3, 1]  # 0 is still acting
    assert turns.take() == 2  # every account acting: users share the next in turn


def test_each_process_owns_every_processes_th_account() -> None:
    owned = [Turns(range(20, 27), worker=w, processes=3).accounts for w in range(3)]
    assert [list(accounts) for accounts in owned] == [[20, 23, 26], [21, 24], [22, 25]]
    assert list(Turns(range(2), worker=2, processes=3).accounts) == [0, 1]  # too few: all


def test_an_account_keeps_its_state_for_the_next_user_acting_as_it() -> None:
    turns = Turns(range(3), worker=0, processes=1)
    turns.kept_by(1).album = 7
    turns.kept_by(1).followed.append(42)
    assert (turns.kept_by(1).album, turns.kept_by(1).followed) == (7, [42])
    assert turns.kept_by(2).album is None
