"""What the stages read of the API they answer for: a narrow view that ``runtime.Api`` satisfies.

The stages depend on this protocol, not on ``runtime``, so the import graph runs one way
(runtime → pipeline) and a stage's signature says which parts of the API it can reach.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from specmock.generation import Generator
from specmock.memo import Memo
from specmock.openapi.jsonschema import Direction
from specmock.pipeline.compile import CompiledOperation
from specmock.pipeline.security import Credentials
from specmock.pipeline.validate_request import Check
from specmock.state import Sandbox


class ServedApi(Protocol):
    @property
    def document(self) -> Mapping[str, Any]: ...

    @property
    def base_path(self) -> str: ...

    @property
    def seed(self) -> int: ...  # every generated value derives from it

    @property
    def generator(self) -> Generator: ...

    @property
    def sandbox(self) -> Sandbox: ...

    @property
    def responses(self) -> Memo: ...  # the response cache: fingerprint → MockResponse

    @property
    def header_values(self) -> Memo: ...  # generated response header values

    def compiled(self, key: str) -> CompiledOperation: ...

    def version(self) -> tuple[int, int]:
        """Changes whenever stored data or accepted credentials change: part of every cache key."""
        ...

    def check(self, schema: dict[str, Any], direction: Direction) -> Check: ...

    @property
    def credentials(self) -> Credentials: ...  # the tokens the API's creates issued

    @property
    def shared(self) -> object | None: ...  # set when other processes share the state (``--store``)
