"""`records.replace` copies records exactly as `dataclasses.replace` does, only faster."""

from __future__ import annotations

import dataclasses

import pytest

from microblog.models import Post
from microblog.push_models import PushKind, PushMessage
from microblog.store.records import replace

PUSH = PushMessage(0, 7, "device", PushKind.MESSAGE, {"message_id": 3}, 10.0, 10.5)
POST = Post(5, 7, "hello", 1.0, None, None, True)


@pytest.mark.parametrize(
    ("record", "changes"),
    [
        (PUSH, {}),
        (PUSH, {"id": 42}),
        (POST, {"like_count": 3, "text": "edited", "edited_at": 2.0}),
        (POST, {"deleted": True}),
    ],
)
def test_a_copy_with_changes_equals_dataclasses_replace(record: object, changes: dict) -> None:
    copied = replace(record, **changes)
    assert copied == dataclasses.replace(record, **changes)  # type: ignore[type-var]
    assert copied is not record


def test_the_changed_fields_and_only_those_differ() -> None:
    stored = replace(PUSH, id=42)
    assert stored.id == 42 and PUSH.id == 0
    assert dataclasses.astuple(stored)[1:] == dataclasses.astuple(PUSH)[1:]


def test_an_unknown_field_is_refused_as_dataclasses_refuses_it() -> None:
    with pytest.raises(TypeError):
        replace(POST, colour="red")
