"""Work accounting: scopes collect what calls record, and the header round-trips."""

from microblog.work import Work, record, recording


def test_recording_collects_units_recorded_inside_the_scope() -> None:
    with recording() as work:
        record(db_reads=2)
        record(db_reads=1, fanout_deliveries=5)
    assert work.db_reads == 3
    assert work.fanout_deliveries == 5


def test_nested_scopes_collect_separately_and_outside_is_a_no_op() -> None:
    record(db_reads=100)
    with recording() as outer:
        record(db_writes=1)
        with recording() as inner:
            record(db_writes=2)
    assert (outer.db_writes, inner.db_writes) == (1, 2)


def test_header_round_trip_keeps_non_zero_units() -> None:
    work = Work(db_reads=3, pushes=2)
    assert work.to_header() == "db_reads=3,pushes=2"
    assert Work.from_header(work.to_header()) == work


def test_as_dict_names_every_unit_in_declaration_order() -> None:
    assert Work(pushes=4).as_dict() == {
        "db_reads": 0, "db_writes": 0, "cache_reads": 0, "cache_writes": 0,
        "merged_items": 0, "pushes": 4, "fanout_deliveries": 0, "push_sends": 0,
        "media_bytes_stored": 0, "media_bytes_served": 0, "thumbnail_pixels": 0,
    }  # fmt: skip
