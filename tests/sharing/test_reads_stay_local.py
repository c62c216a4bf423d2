"""Which operations a shared sandbox sends through the log: only those that may change records. A
read that can make its item up (it cannot say "not found") is one; a list or a read that can say
"not found" is answered from the replica's own records, with no round trip."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from specmock.generation import Generator
from specmock.openapi.model import build_operations
from specmock.sharing.sandbox import SharedSandbox
from specmock.spec_files import bundled_specs_dir
from tests.fidelity.test_cannot_say_not_found import BAD_REQUEST, users


def shared(document: dict[str, Any]) -> SharedSandbox:
    generator = Generator(document, version="3.1" if document["openapi"].startswith("3.1") else "3.0")
    sandbox = SharedSandbox.build(document, build_operations(document), generator, seed=1, records=3)
    assert isinstance(sandbox, SharedSandbox)
    return sandbox


@pytest.mark.parametrize(
    ("api", "operation"),
    [("hellgate", "get_authentications"), ("rebilly", "GetAuthenticationTokenCollection")],
)
def test_the_bundled_lists_are_answered_locally(api: str, operation: str) -> None:
    document = yaml.safe_load((bundled_specs_dir() / api / "openapi.yaml").read_text())
    assert not shared(document).may_write(operation)


def test_a_read_that_makes_its_item_up_goes_through_the_log() -> None:
    for item_errors in ({}, {"400": BAD_REQUEST}):
        sandbox = shared(users(item_errors))
        by_path = {(op.method, op.path): op.key for op in build_operations(users(item_errors)).values()}
        assert sandbox.may_write(by_path["GET", "/users/{id}"])
        assert not sandbox.may_write(by_path["GET", "/users"])
