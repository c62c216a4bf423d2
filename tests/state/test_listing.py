from __future__ import annotations

from typing import Any

from tests.state.specs import Client, bookstore, json_body, query, ref, tokens


def test_offset_paging_with_meta_and_headers() -> None:
    client = Client(bookstore(), records=25)
    first = client.ok("listBooks")
    assert len(first.body["data"]) == 10  # the declared default
    assert first.body["meta"]["total"] == 25
    assert first.body["meta"]["page_size"] == 10
    assert first.body["meta"]["next"] == "http://localhost/books?offset=10"
    assert first.headers["X-Total-Count"] == "25"
    assert 'rel="next"' in first.headers["Link"]
    assert "offset=20" in first.headers["Link"]
    last = client.ok("listBooks", limit=500, offset=20)  # clamped to the declared maximum
    assert len(last.body["data"]) == 5
    assert last.body["meta"]["next"] is None
    assert [b["id"] for b in last.body["data"]] == [21, 22, 23, 24, 25]
    listed = client.ok("listBooks", limit=1).body["data"][0]
    assert client.ok("getBook", bookId=listed["id"]).body == listed


def test_drf_page_numbers() -> None:
    client = Client(tokens(), records=7)
    page = client.ok("core_tokens_list", page=2, page_size=3).body
    assert page["pagination"] == {
        "next": 3,
        "previous": 1,
        "count": 7,
        "current": 2,
        "total_pages": 3,
        "start_index": 4,
        "end_index": 6,
    }
    assert "autocomplete" in page
    assert len(page["results"]) == 3
    last = client.ok("core_tokens_list", page=3, page_size=3).body["pagination"]
    assert (last["next"], last["start_index"], last["end_index"]) == (0, 7, 7)  # `number`, not nullable


def rebilly_style() -> dict[str, Any]:
    doc = bookstore()
    headers = {
        name: {"schema": {"type": "integer"}}
        for name in ("Pagination-Total", "Pagination-Limit", "Pagination-Offset")
    }
    doc["paths"]["/books"]["get"]["responses"]["200"] = json_body(
        {"type": "array", "items": ref("Book")}, headers=headers
    )
    doc["paths"]["/books"]["get"]["parameters"] = [
        query("limit", {"type": "integer", "minimum": 0, "maximum": 1000}),
        query("offset", {"type": "integer"}),
    ]
    return doc


def test_bare_array_with_pagination_headers() -> None:
    client = Client(rebilly_style(), records=12)
    out = client.ok("listBooks", limit=5, offset=10)
    assert [b["id"] for b in out.body] == [11, 12]
    assert out.headers == {"Pagination-Total": "12", "Pagination-Limit": "5", "Pagination-Offset": "10"}
    assert len(client.ok("listBooks").body) == 12


def cursor_style() -> dict[str, Any]:
    doc = bookstore()
    doc["paths"]["/books"]["get"]["parameters"] = [
        query("cursor"),
        query("per_page", {"type": "integer"}),
        query("starting_after"),
    ]
    doc["paths"]["/books"]["get"]["responses"]["200"] = json_body(
        {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": ref("Book")},
                "next_cursor": {"type": ["string", "null"]},
                "has_more": {"type": "boolean"},
            },
        }
    )
    return doc


def test_cursor_tokens_and_id_cursors() -> None:
    client = Client(cursor_style(), records=5)
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"per_page": 2, **({"cursor": cursor} if cursor else {})}
        page = client.ok("listBooks", **params).body
        seen += [b["id"] for b in page["items"]]
        cursor = page["next_cursor"]
        assert page["has_more"] is (cursor is not None)
        if cursor is None:
            break
    assert seen == [1, 2, 3, 4, 5]
    assert [b["id"] for b in client.ok("listBooks", per_page=2, starting_after=3).body["items"]] == [4, 5]


def test_filters_search_ordering() -> None:
    client = Client(bookstore(), records=3)
    for title, author, available in (("Alpha", "ann", True), ("beta", "bob", False), ("Gamma", "ann", False)):
        client.ok("createBook", {"title": title, "author": author, "available": available})

    def ids(**q: Any) -> list[str]:
        return [b["title"] for b in client.ok("listBooks", limit=50, **q).body["data"]]

    assert ids(author="ann") == ["Alpha", "Gamma"]
    assert ids(author="ann", available="false") == ["Gamma"]
    assert ids(search="ALP") == ["Alpha"]
    assert ids(author="ann", sort="-title") == ["Gamma", "Alpha"]
    assert ids(author="ann,bob", sort="author,-title") == []  # a plain string parameter is not a list
    assert ids(nonsense="x", author="bob") == ["beta"]  # unknown filters are ignored
    assert client.ok("listBooks", author="ann").body["meta"]["total"] == 2


def test_nested_filter_and_ordering_over_objects() -> None:
    client = Client(tokens(), records=2)
    client.sandbox.load(
        "tokens",
        [
            {"identifier": "a", "user_obj": {"username": "zed"}, "intent": "api", "expiring": True},
            {"identifier": "b", "user_obj": {"username": "amy"}, "intent": "api", "expiring": False},
            {"identifier": "c", "user_obj": {"username": "amy"}, "intent": "recovery"},
        ],
    )

    def names(**q: Any) -> list[str]:
        return [t["identifier"] for t in client.ok("core_tokens_list", **q).body["results"]]

    assert names(user__username="amy") == ["b", "c"]
    assert names(expiring="true") == ["a"]
    assert names(ordering="-identifier", intent="api") == ["b", "a"]
    assert names(ordering="user__username,-identifier") == ["c", "b", "a"]


def test_list_cache_follows_writes() -> None:
    client = Client(bookstore(), records=3)
    one = client.ok("listBooks", limit=2)
    again = client.ok("listBooks", limit=2, nonsense="ignored")
    assert again is one
    assert one.cache_key is not None
    client.ok("patchBook", {"title": "changed"}, bookId=1)
    fresh = client.ok("listBooks", limit=2)
    assert fresh.cache_key != one.cache_key
    assert fresh.body["data"][0]["title"] == "changed"
