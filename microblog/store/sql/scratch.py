"""Scratch PostgreSQL schemas: an empty store of its own for one test, benchmark or load test.

Each gets a schema named `<label>_<random>` in the database at the URL, selected through the
connection's `search_path`, and dropped with everything in it afterwards, so runs that share
one PostgreSQL server never see each other's rows and leave nothing behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text


def schema_url(url: str, schema: str) -> str:
    """`url` with every connection's search_path set to `schema`."""
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False)


@contextmanager
def scratch_schema(url: str, label: str = "fanout_scratch") -> Iterator[str]:
    """A URL to a new, empty schema of the database at `url`, dropped on leaving.

    Connection errors surface as SQLAlchemy's `OperationalError` before anything is made.
    """
    schema = f"{label}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            yield schema_url(url, schema)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    finally:
        admin.dispose()
