from __future__ import annotations

import re

import pytest

from specmock.diagnostics import Kind
from specmock.state import NO_CONTENT
from tests.state.specs import Client, bookstore, json_body, ref, tokens


def test_create_read_replace_update_delete() -> None:
    client = Client(bookstore(), records=5)
    created = client.ok("createBook", {"title": "Dune", "secret": "s3", "id": 999, "isbn": "x-1"})
    assert created.status == 201
    book = created.body
    assert book["id"] == 6
    assert book["title"] == "Dune"
    assert "secret" not in book
    assert "created" in book
    assert client.ok("getBook", bookId=6).body == book
    stored = next(r for r in client.sandbox.dump("books") if r["id"] == 6)
    assert stored["secret"] == "s3"  # stored, never shown
    replaced = client.ok("putBook", {"title": "Dune II"}, bookId=6).body
    assert replaced["title"] == "Dune II"
    assert replaced["created"] == book["created"]
    assert replaced["id"] == 6
    assert "secret" not in next(r for r in client.sandbox.dump("books") if r["id"] == 6)  # PUT replaced it
    patched = client.ok("patchBook", {"author": "Herbert"}, bookId=6).body
    assert patched["title"] == "Dune II"
    assert patched["author"] == "Herbert"
    deleted = client.ok("deleteBook", bookId=6)
    assert (deleted.status, deleted.body) == (204, NO_CONTENT)
    for key in ("getBook", "deleteBook", "patchBook"):
        gone = client(key, {}, bookId=6)
        assert gone is not None
        assert gone.error is Kind.NOT_FOUND
        assert gone.status == 404


def test_write_only_never_returned() -> None:
    client = Client(bookstore(), records=3)
    client.ok("createBook", {"title": "a", "secret": "hidden"})
    bodies = [client.ok("listBooks").body["data"], [client.ok("getBook", bookId=4).body]]
    bodies.append([client.ok("patchBook", {"secret": "again"}, bookId=4).body])
    assert all("secret" not in record for records in bodies for record in records)


def test_conflicts_name_the_field_and_write_nothing() -> None:
    client = Client(tokens(), records=2)
    first = client.ok("core_tokens_list").body["results"][0]["identifier"]
    before = client.sandbox.dump("tokens")
    clash = client("core_tokens_create", {"identifier": first})
    assert clash is not None
    assert clash.error is Kind.CONFLICT
    assert "identifier" in clash.message
    books = Client(bookstore(), records=2)
    books.ok("createBook", {"title": "a", "isbn": "same"})
    dup = books("createBook", {"title": "b", "isbn": "same"})
    assert dup is not None
    assert dup.error is Kind.CONFLICT
    assert "isbn" in dup.message
    assert client.sandbox.dump("tokens") == before
    assert len(books.sandbox.dump("books")) == 3


def test_writable_id_can_be_renamed_and_children_follow() -> None:
    client = Client(tokens(), records=2)
    client.ok("core_tokens_create", {"identifier": "mine", "description": "d"})
    renamed = client.ok("core_tokens_partial_update", {"identifier": "yours"}, identifier="mine").body
    assert renamed["identifier"] == "yours"
    assert "key" not in renamed
    assert client.ok("core_tokens_retrieve", identifier="yours").body == renamed
    # The upstream retrieve documents no 404: the old id answers a stand-in, never listed again.
    assert client.ok("core_tokens_retrieve", identifier="mine").body["identifier"] == "mine"
    assert [t["identifier"] for t in client.ok("core_tokens_list").body["results"]].count("mine") == 0


def test_nested_collections_cascade() -> None:
    client = Client(bookstore(), records=4)
    loans = client.ok("listLoans", bookId=2).body
    assert len(loans) == 3
    assert all(loan["bookId"] == 2 for loan in loans)
    one = client.ok("getLoan", bookId=2, loanId=loans[0]["id"]).body
    assert one == loans[0]
    new = client.ok("createLoan", {"borrower": "ann"}, bookId=2).body
    assert new["bookId"] == 2
    assert len(client.ok("listLoans", bookId=2).body) == 4
    assert client.ok("deleteLoan", bookId=2, loanId=new["id"]).body == new  # 200 documented: the entity
    assert client("listLoans", bookId=99).error is Kind.NOT_FOUND  # type: ignore[union-attr]
    client.ok("deleteBook", bookId=2)
    assert client("listLoans", bookId=2).error is Kind.NOT_FOUND  # type: ignore[union-attr]
    assert client("getLoan", bookId=2, loanId=loans[1]["id"]).error is Kind.NOT_FOUND  # type: ignore[union-attr]
    created = client.ok("createBook", {"title": "fresh"}).body
    assert client.ok("listLoans", bookId=created["id"]).body == []  # created parents start with no children


def test_singleton() -> None:
    client = Client(bookstore())
    first = client.ok("getSettings").body
    put = client.ok("putSettings", {"theme": "dark"}).body
    assert put["theme"] == "dark"
    assert put.get("updated") == first.get("updated")
    assert "pageSize" not in put
    patched = client.ok("patchSettings", {"pageSize": 5}).body
    assert patched == {**put, "pageSize": 5}
    assert client.ok("getSettings").body == patched
    client.sandbox.reset()
    assert client.ok("getSettings").body == first


def test_determinism_reset_dump_load() -> None:
    one, two = Client(tokens(), seed=3), Client(tokens(), seed=3)
    assert one.sandbox.dump("tokens") == two.sandbox.dump("tokens")
    assert Client(tokens(), seed=4).sandbox.dump("tokens") != one.sandbox.dump("tokens")
    seeded = one.sandbox.dump("tokens")
    assert len({r["identifier"] for r in seeded}) == 20
    one.ok("core_tokens_destroy", identifier=seeded[0]["identifier"])
    one.sandbox.reset()
    assert one.sandbox.dump("tokens") == seeded
    one.sandbox.load("tokens", [{"identifier": "a", "key": "k"}, {"identifier": "b"}])
    assert [r["identifier"] for r in one.ok("core_tokens_list").body["results"]] == ["a", "b"]
    assert "key" not in one.ok("core_tokens_retrieve", identifier="a").body
    with pytest.raises(ValueError, match="duplicate"):
        one.sandbox.load("tokens", [{"identifier": "a"}, {"identifier": "a"}])
    nested = Client(bookstore(), records=2)
    nested.sandbox.load("loans", [{"parent": ["1"], "record": {"borrower": "x"}}])
    assert [loan["borrower"] for loan in nested.ok("listLoans", bookId=1).body] == ["x"]
    assert nested.ok("listLoans", bookId=2).body == []


def test_operations_that_cannot_say_not_found() -> None:
    """No "not found" documented: unknown ids materialise (deleting twice succeeds); deleted ones stay
    out of the list, a read answering a stand-in for the id, not stored."""
    doc = bookstore()
    del doc["paths"]["/books/{bookId}"]["get"]["responses"]["404"]
    del doc["paths"]["/books/{bookId}"]["delete"]["responses"]["404"]
    client = Client(doc, records=2)
    ghost = client.ok("getBook", bookId=77).body
    assert ghost["id"] == 77
    assert client.ok("getBook", bookId=77).body == ghost
    assert 77 in [b["id"] for b in client.ok("listBooks").body["data"]]
    client.ok("deleteBook", bookId=77)
    assert client.ok("deleteBook", bookId=77).status == 204  # idempotent
    assert client.ok("getBook", bookId=77).body["id"] == 77
    assert 77 not in [b["id"] for b in client.ok("listBooks").body["data"]]  # never resurrected for a read


def test_answers_that_wrap_or_differ_from_the_record() -> None:
    doc = bookstore()
    item = doc["paths"]["/books/{bookId}"]
    item["get"]["responses"]["200"] = json_body(
        {
            "type": "object",
            "required": ["data"],
            "properties": {"data": ref("Book"), "links": {"type": "object"}},
        }
    )
    item["put"]["responses"]["200"] = json_body({"type": "object", "properties": {"ok": {"type": "boolean"}}})
    client = Client(doc, records=2)
    wrapped = client.ok("getBook", bookId=1).body
    listed = client.ok("listBooks").body["data"][0]
    assert wrapped["data"] == listed
    assert "links" in wrapped
    assert client("putBook", {"title": "new"}, bookId=1) is None  # stored; the pipeline generates the answer
    assert client.ok("getBook", bookId=1).body["data"]["title"] == "new"


def test_created_ids_stay_unique_and_valid_when_the_id_schema_has_few_values() -> None:
    """Discord's snowflake ``^(0|[1-9][0-9]*)$`` draws "0" half the time: every created id must
    still be new and match the id schema (a plain ``-N`` suffix would not)."""
    snowflake = {"type": "string", "pattern": "^(0|[1-9][0-9]*)$", "readOnly": True}
    item = {"type": "object", "properties": {"id": snowflake, "name": {"type": "string"}}}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/commands": {
                "get": {
                    "operationId": "list",
                    "responses": {"200": json_body({"type": "array", "items": item})},
                },
                "post": {
                    "operationId": "create",
                    "requestBody": {"content": {"application/json": {"schema": item}}},
                    "responses": {"201": json_body(item)},
                },
            }
        },
    }
    client = Client(document, records=3)
    ids = [client.ok("create", {"name": f"c{n}"}).body["id"] for n in range(300)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch("0|[1-9][0-9]*", i) for i in ids), ids
    listed = {entry["id"] for entry in client.ok("list").body}
    assert set(ids) <= listed


def test_creates_repeat_after_a_reset_and_in_a_second_sandbox() -> None:
    """Created records draw their server-owned fields from one seeded source per collection: the
    same requests after a start or a reset give the same records, and each create differs."""

    def three_creates(client: Client) -> list[dict[str, object]]:
        return [client.ok("core_tokens_create", {"identifier": f"t{n}"}).body for n in range(3)]

    one = Client(tokens(), seed=5)
    first = three_creates(one)
    assert three_creates(Client(tokens(), seed=5)) == first
    one.sandbox.reset()
    assert three_creates(one) == first
    assert three_creates(Client(tokens(), seed=6)) != first
    owned = [{k: v for k, v in record.items() if k != "identifier"} for record in first]
    assert owned[0] != owned[1] != owned[2]
