"""A model-based check: random create/read/list/patch/replace/delete/reset against a plain dict."""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from specmock.diagnostics import Kind
from tests.state.specs import Client, bookstore

TEXT = st.text(alphabet="abcXYZ ", min_size=1, max_size=6)
READ_ONLY = ("id", "created")


class BookStore(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.client = Client(bookstore(), records=4)
        self.seeded = {r["id"]: self._public(r) for r in self.client.sandbox.dump("books")}
        self.model: dict[int, dict[str, Any]] = dict(self.seeded)
        self.gone: set[int] = set()

    @staticmethod
    def _public(record: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in record.items() if k != "secret"}

    def _some_id(self, data: st.DataObject) -> int:
        known = sorted(self.model) + sorted(self.gone) + [10_000]
        return data.draw(st.sampled_from(known))

    @rule(title=TEXT, author=TEXT, secret=TEXT)
    def create(self, title: str, author: str, secret: str) -> None:
        book = self.client.ok("createBook", {"title": title, "author": author, "secret": secret}).body
        assert book["id"] not in self.model
        assert "secret" not in book
        self.model[book["id"]] = book
        self.gone.discard(book["id"])

    @rule(data=st.data())
    def read(self, data: st.DataObject) -> None:
        book_id = self._some_id(data)
        outcome = self.client("getBook", bookId=book_id)
        assert outcome is not None
        if book_id in self.model:
            assert outcome.error is None
            assert outcome.body == self.model[book_id]
        else:
            assert outcome.error is Kind.NOT_FOUND

    @rule(data=st.data(), limit=st.integers(0, 60), offset=st.integers(0, 12))
    def list_page(self, data: st.DataObject, limit: int, offset: int) -> None:
        body = self.client.ok("listBooks", limit=limit, offset=offset).body
        expected = list(self.model.values())[offset : offset + min(limit, 50)]
        assert body["data"] == expected
        assert body["meta"]["total"] == len(self.model)

    @rule(data=st.data(), title=TEXT)
    def patch(self, data: st.DataObject, title: str) -> None:
        book_id = self._some_id(data)
        outcome = self.client("patchBook", {"title": title, "id": -1}, bookId=book_id)
        assert outcome is not None
        if book_id in self.model:
            self.model[book_id] = {**self.model[book_id], "title": title}
            assert outcome.body == self.model[book_id]
        else:
            assert outcome.error is Kind.NOT_FOUND

    @rule(data=st.data(), title=TEXT)
    def replace(self, data: st.DataObject, title: str) -> None:
        book_id = self._some_id(data)
        outcome = self.client("putBook", {"title": title}, bookId=book_id)
        assert outcome is not None
        if book_id in self.model:
            kept = {k: v for k, v in self.model[book_id].items() if k in READ_ONLY}
            self.model[book_id] = {**kept, "title": title}
            assert outcome.body == self.model[book_id]
        else:
            assert outcome.error is Kind.NOT_FOUND

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        book_id = self._some_id(data)
        outcome = self.client("deleteBook", bookId=book_id)
        assert outcome is not None
        if book_id in self.model:
            assert outcome.error is None
            del self.model[book_id]
            self.gone.add(book_id)
        else:
            assert outcome.error is Kind.NOT_FOUND

    @rule()
    def reset(self) -> None:
        self.client.sandbox.reset()
        self.model = dict(self.seeded)
        self.gone = set()

    @invariant()
    def dump_matches(self) -> None:
        if hasattr(self, "client"):
            assert [self._public(r) for r in self.client.sandbox.dump("books")] == list(self.model.values())


TestBookStore = BookStore.TestCase
TestBookStore.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
