"""Answers to repeated requests, found from the request as it arrived, before anything is parsed.

A safe request (GET, HEAD) without a body, answered by the pipeline while the API's version (its
records and the credentials it accepts, ``Api.version``) stayed V, gets that answer again when the
same request arrives while the version is still V: the same method, path, query and every header
as sent (so the same credentials, ``Accept``, ``Prefer``, ``Origin``), the same body framing, and
the same served documents (a reload swaps ``Mounted``). Every input of the pipeline's own response
cache (``flow.run``) is among them, and so is everything the shell decides around it (routing,
variants, CORS): the answer is the one the pipeline would give now, found without building a
``MockRequest``, routing or fingerprinting again. The shell still records the journal entry.

A repeat is never kept for what may differ the next time: an injected or possibly injected answer
(``--latency``, ``--chaos``, an operation's latency extension), a 5xx (an internal error, a lost
store), a request that may write the shared store, or an answer during which the version moved.
"""

from __future__ import annotations

from typing import Any

from specmock.journal import Kept, kept_parts
from specmock.memo import Memo
from specmock.messages.requests import MockRequest
from specmock.messages.responses import Headers, MockResponse
from specmock.runtime import Api, answer_bytes

SAFE_METHODS = frozenset({"GET", "HEAD"})
HeaderPairs = tuple[tuple[str, str], ...]


class Repeat:
    """An answer given, and what it is valid for beyond the request itself. Everything a repeat
    reads is computed once here (slots, not a NamedTuple: a slot is read without a descriptor call)."""

    __slots__ = (
        "api",
        "body",
        "changes",
        "counted",
        "credentials",
        "extra",
        "kept",
        "mounted",
        "records",
        "response",
        "sent",
        "shared",
        "status",
        "storage",
        "version",
    )

    def __init__(
        self,
        mounted: object,
        api: Api,
        version: tuple[int, int],
        kept: Kept,
        response: MockResponse,
        extra: HeaderPairs,
    ) -> None:
        self.mounted = mounted  # the app's Mounted when it was given: a reload invalidates it
        self.api = api
        self.shared = api.shared is not None  # a repeat waits for the shared store first
        self.version = version  # Api.version() while it was given
        # Api.version() is two counters (unless records expire): a repeat compares them in place.
        counters = api.version_counters()
        self.counted = counters is not None
        self.storage: Any = None if counters is None else counters[0]
        self.credentials: Any = None if counters is None else counters[1]
        self.records, self.changes = version
        self.kept = kept  # what the journal keeps of it (Journal.again)
        self.response = response
        self.extra = extra  # what the shell added (CORS, violations)
        text = response.text_headers()
        self.status, self.body = response.status, response.body
        self.sent: Headers = text + list(extra) if extra else text  # RSGI's header list

    def fresh(self, mounted: object) -> bool:
        """Whether the pipeline would answer the same now (a shared API must have caught up first).
        The RSGI shell inlines it: it runs on most requests."""
        if mounted is not self.mounted:
            return False
        if self.counted:
            return bool(self.storage.version == self.records and self.credentials.changes == self.changes)
        return self.api.version() == self.version


class Repeats:
    """The answers kept, bounded in bytes as the response cache is (``--max-cache``)."""

    def __init__(self, max_bytes: int) -> None:
        self._memo = Memo(max_bytes=max_bytes, weigh=_weight)
        self.get = self._memo.get  # (request key) → Repeat | None, no Python call per lookup

    def keep(
        self,
        key: tuple[Any, ...],
        mounted: object,
        api: Api,
        version: tuple[int, int],
        request: MockRequest,
        label: str,
        response: MockResponse,
        extra: HeaderPairs,
    ) -> None:
        kept = kept_parts(request, response.status, label, response.violations, None)
        self._memo.put(key, Repeat(mounted, api, version, kept, response, extra))

    def clear(self) -> None:
        self._memo.clear()


def keepable(method: str, response: MockResponse) -> bool:
    """Whether an answer to ``method`` may be given again unchanged (before the store's checks)."""
    return method in SAFE_METHODS and response.status < 500


def _weight(repeat: Repeat) -> int:
    return answer_bytes(repeat.response) + sum(len(name) + len(value) for name, value in repeat.extra)
