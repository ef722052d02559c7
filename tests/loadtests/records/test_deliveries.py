"""The chat delivery check: every confirmed message received once, backlogs late, not lost."""

from __future__ import annotations

from loadtests.records.deliveries import (
    DeliveryLog,
    DeliveryVerdict,
    Receipts,
    message_key,
    verdict,
)
from outcomes.metrics import CATALOGUE

HI, YO, BYE = (message_key("dm-1-2", f"0.1-{n}") for n in range(3))


def log_with(sent: dict[str, int], *connections: list[str]) -> DeliveryLog:
    """A log of confirmed sends, and what each listed connection received, in order."""
    log = DeliveryLog()
    for key, recipient in sent.items():
        log.record_sent(key, recipient)
    for received in connections:
        receipts = Receipts(log)
        for key in received:
            receipts.receive(key)
    return log


def test_messages_received_once_each_pass() -> None:
    result = verdict(log_with({HI: 2, YO: 2}, [HI, YO]), [])
    assert result == DeliveryVerdict(sent=2, backlog=0, lost=0, duplicated=0)
    assert result.problems() == []


def test_a_message_no_connection_received_is_lost() -> None:
    result = verdict(log_with({HI: 2, YO: 2}, [HI]), [])
    assert (result.lost, result.duplicated) == (1, 0)
    assert result.problems() == ["chat: 1 of 2 messages lost"]


def test_a_connection_receiving_a_message_twice_is_a_duplicate() -> None:
    result = verdict(log_with({HI: 2}, [HI, HI]), [])
    assert (result.lost, result.duplicated) == (0, 1)
    assert result.problems() == ["chat: 1 of 1 messages delivered more than once"]


def test_two_connections_of_one_account_each_getting_a_message_once_is_no_duplicate() -> None:
    """The server pushes a message to every live connection of its recipient."""
    assert verdict(log_with({HI: 2}, [HI], [HI]), []).duplicated == 0


def test_a_message_found_in_an_offline_recipients_backlog_is_late_not_lost() -> None:
    result = verdict(log_with({HI: 2, YO: 2}, [HI]), [YO])
    assert (result.backlog, result.lost, result.duplicated) == (1, 0, 0)


def test_a_backlog_repeating_a_received_message_is_a_duplicate() -> None:
    result = verdict(log_with({HI: 2, YO: 2}, [HI]), [YO, HI, YO])
    assert (result.backlog, result.lost, result.duplicated) == (1, 0, 2)


def test_receipts_of_unconfirmed_sends_count_as_neither_lost_nor_duplicated() -> None:
    """A send cut off before its reply may still have been stored and pushed."""
    result = verdict(log_with({HI: 2}, [HI, BYE]), [])
    assert (result.sent, result.lost, result.duplicated) == (1, 0, 0)


def test_a_workers_reports_add_up_to_what_one_process_would_have_recorded() -> None:
    """Workers send what they recorded since the last report, then start afresh."""
    sender, receiver, master = DeliveryLog(), DeliveryLog(), DeliveryLog()
    sender.record_sent(HI, 2)
    master.merge(sender.take())
    Receipts(receiver).receive(HI)
    sender.record_sent(YO, 2)
    receiver.record_duplicate()
    for worker in (sender, receiver):
        master.merge(DeliveryLog.model_validate(worker.take().model_dump(mode="json")))
    assert sender == DeliveryLog() and receiver == DeliveryLog()
    assert (master.sent, master.received, master.duplicated) == ({HI: 2, YO: 2}, {HI}, 1)
    assert master.unreceived() == {YO: 2}


def test_the_verdicts_metrics_are_catalogued_counts() -> None:
    metrics = verdict(log_with({HI: 2}, [HI]), []).metrics()
    assert set(metrics) == {"chat.sent", "chat.backlog", "chat.lost", "chat.duplicated"}
    assert all(CATALOGUE[name].unit == metric.unit for name, metric in metrics.items())
    assert CATALOGUE["chat.lost"].better == "lower" and CATALOGUE["chat.sent"].better == "higher"


def test_a_live_verdict_reports_only_lost_and_duplicated_comment_deliveries() -> None:
    """A room keeps no backlog: a viewer's expected comment never received is lost."""
    first, second = "live/1/0.1.0", "live/1/0.2.0"
    log = log_with({first: 2, second: 3}, [first, first])
    judged = verdict(log, [], kind="live")
    assert (judged.lost, judged.duplicated) == (1, 1)
    metrics = judged.metrics()
    assert set(metrics) == {"live.lost", "live.duplicated"}
    assert all(CATALOGUE[name].unit == metric.unit for name, metric in metrics.items())
    assert judged.problems() == [
        "live: 1 of 2 comment deliveries lost",
        "live: 1 of 2 comment deliveries delivered more than once",
    ]
