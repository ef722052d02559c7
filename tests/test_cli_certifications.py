"""`fanout certifications`: an operator decides applications on the store, by name."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

from click.testing import CliRunner

from cli import fanout
from microblog.config import PlatformConfig
from microblog.models import Role
from microblog.platform import Microblog
from microblog.store import open_store
from tests.microblog.conftest import CHEAP_HASHING


def test_an_operator_lists_and_approves_on_the_store(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'blog.sqlite'}"
    config = PlatformConfig.model_validate(CHEAP_HASHING)
    with closing(Microblog(open_store(store), config)) as blog:
        grocer = blog.accounts.register("grocer", "password1", Role.MERCHANT)
    run = CliRunner().invoke
    listed = run(
        fanout, ["certifications", "list", "--store", store, "--status", "pending", "--json"]
    )
    assert listed.exit_code == 0, listed.output
    (pending,) = json.loads(listed.stdout)
    assert pending["account_id"] == grocer.id
    decide = ["--store", store, "--operator", "ops-li", "--note", "licence ok", "--json"]
    approved = run(fanout, ["certifications", "approve", str(pending["id"]), *decide])
    assert approved.exit_code == 0, approved.output
    assert json.loads(approved.stdout)["decided_by"] == "ops-li"
    with closing(Microblog(open_store(store))) as blog:
        assert blog.accounts.get(grocer.id).verified
    again = run(fanout, ["certifications", "reject", str(pending["id"]), *decide])
    assert again.exit_code == 2 and "already approved" in again.stderr


def test_an_unknown_application_or_store_is_bad_input(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'blog.sqlite'}"
    args = ["--store", store, "--operator", "ops-li"]
    missing = CliRunner().invoke(fanout, ["certifications", "approve", "9", *args])
    assert missing.exit_code == 2 and "no certification 9" in missing.stderr
    bad_store = CliRunner().invoke(fanout, ["certifications", "list", "--store", "nowhere"])
    assert bad_store.exit_code == 2 and "unknown store 'nowhere'" in bad_store.stderr
