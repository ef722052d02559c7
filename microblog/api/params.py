"""Values every router shares: ids, and the cursor and size of a page.

Declared once so every path and body states the same contract in the OpenAPI schema, and
out-of-range input is a 422 at the edge rather than an overflow in a database driver.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import Field

from microblog.models import MAX_ID

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An id of anything the platform stores: a positive signed 64-bit integer."""

Cursor = Annotated[
    str | None,
    Query(
        description="`next_cursor` of the previous page, unchanged (opaque); omit it for the "
        "first page. Anything else is refused with 422."
    ),
]
Limit = Annotated[int, Query(ge=1, le=100, description="Most items on the page.")]
