"""Answers to repeated requests, found from the request as it arrived, before anything is parsed.

A safe request (GET, HEAD) without a body, answered by the pipeline while the API's version (its
records and the credentials it accepts, ``Api.version``) stayed V, gets that answer again when a
request with the same *line* arrives (method, path, query, body framing) whose headers agree with
the first on every header its answer was produced from, while the version is still V and the same
documents are served (a reload swaps ``Mounted``).

Which headers an answer was produced from is recorded, not declared: the shell hands the pipeline a
``ConsultedHeaders`` that notes every name looked up while the request was framed, routed, checked,
answered and given its CORS headers (credentials, ``Accept``, ``Prefer``, ``Origin``, declared
header and cookie parameters, ``Content-Length``…, absent ones included), as HTTP's ``Vary`` does.
Every step is a function of the request line, those headers' values and the version, so a request
agreeing on them gets the same bytes from the full pipeline: a repeat is found without building a
``MockRequest``, routing or fingerprinting again, whatever else it carries (a new ``traceparent``,
other cookies). An answer whose headers were read whole is not kept. The shell still journals the
request, with its own headers.

A repeat is never kept for what may differ the next time: an injected or possibly injected answer
(``--latency``, ``--chaos``, an operation's latency extension), a 5xx (an internal error, a lost
store), a request that may write the shared store, or an answer during which the version moved.
"""

from __future__ import annotations

from collections.abc import Mapping

from specmock.journal import Kept, kept_parts
from specmock.memo import Memo, key_bytes
from specmock.messages.requests import ConsultedHeaders, MockRequest
from specmock.messages.responses import Headers, MockResponse
from specmock.runtime import Api, answer_bytes

SAFE_METHODS = frozenset({"GET", "HEAD"})
HeaderPairs = tuple[tuple[str, str], ...]
# What a request is known by besides its path and headers: method, query, body framing (the HTTP
# version, or "asgi" once the body is read)
Asked = tuple[str, str, str]
# A bodiless safe request as it arrived: its path, what else it was asked with, its header pairs
# as the shell received them
RequestLine = tuple[str, Asked, object]
Names = tuple[str, ...]  # the header names an answer was produced from, sorted
MAX_NAME_SETS = 8  # distinct sets of consulted names kept per path (one in practice)
MAX_ANSWERS = 64  # answers kept per path (other credentials, Accept, queries…): then it starts over


class Repeat:
    """An answer given, and what it is valid for beyond the request line and the headers it read.
    Everything a repeat reads is computed once here (slots, not a NamedTuple: a slot is read without
    a descriptor call)."""

    __slots__ = (
        "api",
        "body",
        "changes",
        "credentials",
        "expires",
        "extra",
        "framing",
        "kept",
        "method",
        "mounted",
        "pairs",
        "plain",
        "query",
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
        asked: Asked,
        pairs: object,
    ) -> None:
        self.method, self.query, self.framing = asked
        self.mounted = mounted  # the app's Mounted when it was given: a reload invalidates it
        self.api = api
        self.shared = api.shared is not None  # a repeat waits for the shared store first
        self.version = version  # Api.version() while it was given
        # Api.version() is two counters and, where records expire, a clock: compared in place.
        self.storage, self.credentials, self.expires = api.version_counters()
        self.records, self.changes = version
        self.plain = not self.shared  # fresh while both counters hold (and no record fell due)
        self.kept = kept  # what the journal keeps of it (Journal.again)
        self.pairs = pairs  # its headers as the shell received them: the same again reuse ``kept``
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
        if self.plain:
            return bool(
                self.storage.version == self.records
                and self.credentials.changes == self.changes
                and (self.expires is None or self.expires.now() < self.storage.next_expiry)
            )
        return self.api.version() == self.version

    def asked_with(self, headers: dict[str, str]) -> Kept:
        """What the journal keeps of this answer given to a request with other headers: its own."""
        kept = self.kept
        first = kept[0]
        request = MockRequest(first.method, first.path, first.raw_query, headers, first.body, first.full_path)
        return (request, kept[1], kept[2], kept[3], kept[4])


class Answers:
    """The answers kept for one path, by what else the request was asked with and the names and
    values of the headers each was produced from. Never changed once in the memo (but for
    ``last``): a keep puts a new one."""

    __slots__ = ("consulted", "given", "last", "weight")

    def __init__(self, earlier: Answers | None) -> None:
        """A copy of ``earlier`` (None, or holding MAX_ANSWERS already: an empty one)."""
        self.consulted: tuple[Names, ...] = ()  # one set of names per way a run read the headers
        self.given: dict[tuple[Asked, Names, tuple[str | None, ...]], Repeat] = {}
        self.weight = 0
        if earlier is not None and len(earlier.given) < MAX_ANSWERS:
            self.consulted, self.given = earlier.consulted, dict(earlier.given)
            self.weight = earlier.weight
        # The latest answer kept or given: a client asking as it was asked (the same method, query,
        # framing and header pairs) is found by comparing them, nothing hashed.
        self.last: Repeat | None = None

    def find(self, asked: Asked, headers: Mapping[str, str]) -> Repeat | None:
        """The answer kept for a request asked so, with these headers (lower-case names), if any."""
        for names in self.consulted:
            found = self.given.get((asked, names, tuple(map(headers.get, names))))
            if found is not None:
                return found
        return None


class Repeats:
    """The answers kept, bounded in bytes as the response cache is (``--max-cache``)."""

    def __init__(self, max_bytes: int) -> None:
        self._memo = Memo(max_bytes=max_bytes, weigh=_answers_weight)
        self.get = self._memo.get  # (path) → Answers | None, no Python call per lookup

    def keep(
        self,
        request_line: RequestLine,
        headers: dict[str, str],
        mounted: object,
        api: Api,
        version: tuple[int, int],
        request: MockRequest,
        label: str,
        response: MockResponse,
        extra: HeaderPairs,
    ) -> None:
        """Keep an answer produced from ``headers``, which must have recorded what was read of
        them (nothing is kept otherwise)."""
        if not isinstance(headers, ConsultedHeaders) or headers.whole:
            return
        path, asked, pairs = request_line
        names = tuple(sorted(headers.names))
        values = tuple([dict.get(headers, name) for name in names])  # not a lookup of the answer's
        kept = kept_parts(request, response.status, label, response.violations, None)
        repeat = Repeat(mounted, api, version, kept, response, extra, asked, pairs)
        entry = Answers(self._memo.get(path))
        if names not in entry.consulted:
            entry.consulted = (names, *entry.consulted[: MAX_NAME_SETS - 1])
        entry.given[(asked, names, values)] = entry.last = repeat
        # Put whole and charged whole each time (its earlier answers again): whatever the memo
        # holds was charged since it was last cleared.
        entry.weight += _weight(repeat) + key_bytes(asked) + key_bytes(names) + key_bytes(values)
        self._memo.put(path, entry)

    def clear(self) -> None:
        self._memo.clear()


def keepable(method: str, response: MockResponse) -> bool:
    """Whether an answer to ``method`` may be given again unchanged (before the store's checks)."""
    return method in SAFE_METHODS and response.status < 500


def _weight(repeat: Repeat) -> int:
    return answer_bytes(repeat.response) + sum(len(name) + len(value) for name, value in repeat.extra)


def _answers_weight(answers: Answers) -> int:
    return answers.weight
