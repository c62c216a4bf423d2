"""A request body read from Granian's RSGI protocol chunk by chunk, bounded by ``--max-body``.

Granian's RSGI body iterator does not raise when a body breaks off (malformed chunked encoding, the
client gone): it yields an empty chunk where the error was and then ends with a second one, where a
complete body ends with exactly one. ``RequestBody`` turns that, and a body shorter than its
Content-Length, into a 400; a body past the limit into a 413. The mock and the proxy read bodies
through it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from specmock.journal import BODY_KEPT

UNREADABLY_LONG = 10**18  # a Content-Length of more digits: past any --max-body
JOURNAL_KEPT = BODY_KEPT + 1  # the journal keeps this much of a body (one byte more marks it cut)


class BodyError(Exception):
    """The client's body cannot be forwarded: too large (413) or broken off (400)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def declared_length(headers: Mapping[str, str], http_version: str) -> int | None:
    """The body's length as its framing declares it; None when it is known only at its end (chunked,
    or HTTP/2). An HTTP/1 request with neither Content-Length nor Transfer-Encoding has no body
    (RFC 9112 §6.3): nothing to wait for. A Content-Length that is not one number (a repeated one,
    "5, 5") declares nothing: such a body is counted as it comes."""
    length = headers.get("content-length")
    if length is None:
        if "transfer-encoding" not in headers and not http_version.startswith("2"):
            return 0
        return None
    if not length.isdigit() or not length.isascii():
        length = length.strip()
        if not (length.isascii() and length.isdigit()):
            return None
    return int(length) if len(length) <= 18 else UNREADABLY_LONG


def content_length(headers: Mapping[str, str]) -> int | None:
    """The Content-Length alone (an ASGI server has read the framing itself, as HTTP/2 does)."""
    return declared_length(headers, "2")


class RequestBody:
    """One request's body as the client sends it: ``take`` reads (and keeps) its start, ``chunks``
    yields what was kept and then the rest as it arrives. Raises ``BodyError``."""

    def __init__(self, protocol: Any, declared: int | None, limit: int) -> None:
        self._protocol = protocol
        self._iterator: Any = None
        self.declared = declared  # Content-Length, when the client sent one
        self.limit = limit  # --max-body
        self.kept: list[bytes] = []
        self.size = 0  # bytes received so far
        self.ended = False
        self.error: BodyError | None = None  # what broke the body while it was streamed
        self._seen = bytearray()  # its first JOURNAL_KEPT bytes, for the journal

    @property
    def held(self) -> bytes:
        return b"".join(self.kept)

    @property
    def seen(self) -> bytes:
        """The body for the journal: what was read and not yet forwarded, else the start forwarded."""
        return self.held if self.kept else bytes(self._seen)

    async def take(self, limit: int) -> bool:
        """Read until the body ends (True) or more than ``limit`` bytes are kept (False: a streamed
        body, whose first chunk is kept)."""
        if self.declared is not None and self.declared > self.limit:
            raise self._too_large()
        if self.declared is not None and self.declared <= limit and self._iterator is None:
            return await self._whole()
        size = sum(map(len, self.kept))
        while size <= limit or not self.kept:
            chunk = await self._next()
            if chunk is None:
                return True
            self.kept.append(chunk)
            size += len(chunk)
        return False

    async def chunks(self) -> AsyncIterator[bytes]:
        """What was kept, then the rest of the body as it arrives; a failure is kept in ``error`` (the
        forwarding client sees only that the body broke off, and must not end it as if complete)."""
        try:
            for chunk in self.kept:
                self._note(chunk)
                yield chunk
            self.kept = []
            while (more := await self._next()) is not None:
                self._note(more)
                yield more
        except BodyError as error:
            self.error = error
            raise

    async def _whole(self) -> bool:
        try:
            body = await self._protocol()
        except RuntimeError as error:  # Granian's RSGIProtocolClosed: the client stopped sending
            raise _broken() from error
        self.kept = [body] if body else []
        self.size = len(body)
        self.ended = True
        return True

    async def _next(self) -> bytes | None:
        """The next chunk with bytes in it; None at the end of a complete body."""
        if self.ended:
            return None
        if self._iterator is None:
            self._iterator = self._protocol.__aiter__()
        chunk = await self._pull()
        if chunk:
            self.size += len(chunk)
            if self.size > self.limit:
                raise self._too_large()
            return chunk
        if chunk is not None and await self._pull() is not None:
            raise _broken()  # an empty chunk followed by more: Granian's mark of a broken body
        self.ended = True
        if self.declared is not None and self.size != self.declared:
            raise _broken()
        return None

    async def _pull(self) -> bytes | None:
        try:
            chunk: bytes = await self._iterator.__anext__()
        except StopAsyncIteration:
            return None
        except RuntimeError as error:
            raise _broken() from error
        return chunk

    def _note(self, chunk: bytes) -> None:
        if len(self._seen) < JOURNAL_KEPT:
            self._seen += chunk[: JOURNAL_KEPT - len(self._seen)]

    def _too_large(self) -> BodyError:
        return BodyError(413, f"the request body is larger than {self.limit} bytes (--max-body)")


def _broken() -> BodyError:
    return BodyError(
        400, "the request body cannot be read: malformed chunked encoding, or the connection closed early"
    )
