from __future__ import annotations

import pytest

from specmock.state.inferred.naming import shape_of
from tests.corpus import corpus_file
from tests.state.specs import Client, bookstore, tokens


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_bookstore_resources(version: str) -> None:
    plan = Client(bookstore(version)).sandbox.plan
    books, loans, settings = plan.resources["books"], plan.resources["loans"], plan.resources["settings"]
    assert (books.kind, books.path, books.item_path, books.id_field) == (
        "collection",
        "/books",
        "/books/{bookId}",
        "id",
    )
    assert books.write_only == {"secret"}
    assert {"id", "created"} <= books.read_only
    assert books.unique == ("isbn",)
    assert (loans.parent, loans.id_field, loans.parent_ref) == ("books", "id", "bookId")
    assert settings.kind == "singleton"
    roles = {key: route.role for key, route in plan.routes.items()}
    assert roles == {
        "listBooks": "list",
        "createBook": "create",
        "getBook": "read",
        "putBook": "replace",
        "patchBook": "update",
        "deleteBook": "delete",
        "listLoans": "list",
        "createLoan": "create",
        "getLoan": "read",
        "deleteLoan": "delete",
        "publishBook": "action",
        "getSettings": "singleton-read",
        "putSettings": "singleton-write",
        "patchSettings": "singleton-write",
    }
    assert "health" not in plan.routes  # a GET-only object: generated, never stored
    assert plan.routes["publishBook"].resource == "books"


def test_trailing_slash_style() -> None:
    client = Client(tokens())
    plan = client.sandbox.plan
    assert list(plan.resources) == ["tokens"]
    res = plan.resources["tokens"]
    assert (res.path, res.item_path, res.id_field) == (
        "/core/tokens/",
        "/core/tokens/{identifier}/",
        "identifier",
    )
    assert plan.routes["core_tokens_view_key_retrieve"].role == "action"
    assert plan.routes["core_tokens_set_key_create"].role == "action"
    lines = client.sandbox.describe()
    assert lines[0].startswith("collection tokens: /core/tokens/ + /core/tokens/{identifier}/")
    assert any("set_key" in line and "generated" in line for line in lines)


def test_slash_and_no_slash_do_not_pair() -> None:
    assert shape_of("/core/tokens/").suffix == "/"
    assert shape_of("/core/tokens").suffix == ""
    assert shape_of("/Accounts/{Sid}.json").stem == "/Accounts/{Sid}"
    doc = tokens()
    doc["paths"]["/core/tokens/{identifier}"] = doc["paths"].pop("/core/tokens/{identifier}/")
    plan = Client(doc).sandbox.plan
    # Without the slash the item path belongs to another resource, whose items appear when read.
    by_path = {r.path: r for r in plan.resources.values()}
    assert by_path["/core/tokens/"].item_path is None
    assert by_path["/core/tokens"].materialize
    assert by_path["/core/tokens"].item_path == "/core/tokens/{identifier}"


def test_actions_answer_none_unless_the_item_is_gone() -> None:
    client = Client(tokens(), records=3)
    first = client.ok("core_tokens_list").body["results"][0]["identifier"]
    assert client("core_tokens_view_key_retrieve", identifier=first) is None
    client.ok("core_tokens_destroy", identifier=first)
    gone = client("core_tokens_set_key_create", identifier=first)
    assert gone is not None
    assert gone.error is not None
    assert gone.error.value == "not-found"


def test_extensions_override_inference() -> None:
    doc = bookstore()
    doc["paths"]["/books/{bookId}/publish"]["post"]["x-specmock-role"] = "update"
    doc["paths"]["/settings"]["x-specmock-resource"] = False
    doc["paths"]["/books"]["x-specmock-resource"] = {"collection": "library", "records": 4}
    doc["paths"]["/books/{bookId}"]["x-specmock-resource"] = {"collection": "library", "id": "isbn"}
    doc["paths"]["/books"]["get"]["x-specmock-role"] = "bogus"
    client = Client(doc)
    plan = client.sandbox.plan
    assert "settings" not in plan.resources
    assert plan.resources["library"].id_field == "isbn"
    assert plan.resources["library"].records == 4
    assert plan.routes["getBook"].resource == "library"
    assert any("bogus" in line for line in client.sandbox.describe())
    assert len(client.ok("listBooks").body["data"]) == 4


def test_petstore_expanded() -> None:
    import yaml

    with corpus_file("oai-petstore-expanded.yaml").open() as handle:
        doc = yaml.safe_load(handle)
    client = Client(doc, records=5)
    assert client.sandbox.describe() == [
        "collection pets: /pets + /pets/{id} [list, create, read, delete]; id=id"
    ]
    assert len(client.ok("findPets", limit=2).body) == 2
    created = client.ok("addPet", {"name": "rex"}).body
    assert created["id"] == 6
    assert client.ok("find pet by id", id=6).body == created
