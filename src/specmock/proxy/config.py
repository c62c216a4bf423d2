"""ProxyConfig: every knob of ``specmock proxy``, as one frozen value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from specmock.config import MockConfig

Fallback = Literal["none", "mock"]
CHECK_LIMIT = 1 << 20  # bytes of an answer held back to check its body before sending it


@dataclass(frozen=True, slots=True)
class ProxyConfig:
    spec: str | Path
    upstream: str  # scheme://host[:port][/prefix]: the request path is appended to it
    errors: bool = False  # refuse invalid requests (spec-shaped 4xx), answer 502 for invalid answers
    strict: bool = False  # refuse paths and methods the spec does not document (404 / 405)
    fallback: Fallback = "none"  # "mock": the mock answers what the upstream does not implement yet
    record: Path | None = None  # write the upstream's answers here as fixture files
    base_path: str | None = None  # where the API is mounted; default: the path of servers[0]
    seed: int = 0  # for the mock's answers (fallback, refusals) and redacted fields
    records: int = 20  # seeded records per collection of the fallback mock
    timeout: float = 30.0  # seconds to wait for the upstream (connect, and between bytes)
    check_limit: int = CHECK_LIMIT  # larger answers are streamed and their body is not checked
    max_body: int = MockConfig().max_body  # request bodies past this get 413 (as `serve --max-body`)
    quiet: bool = False
