"""What an operation documents about its answers, compiled once per operation: which statuses, which
media types per status, which headers, which body schemas; and an upstream answer checked against it.

The schemas are compiled by the same ``Api.check`` (response direction) the mock validates its own
answers with; header values are cast as the request validator casts header parameters.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from specmock.messages.responses import NO_CONTENT_STATUSES
from specmock.openapi.model import MediaType, Operation, Response
from specmock.openapi.statuses import documented_key
from specmock.pipeline.casting import compile_typed, shape_of
from specmock.pipeline.serialize import is_json
from specmock.pipeline.styles import Spelling, segment_reader
from specmock.pipeline.validate_request import Check, match_media
from specmock.proxy.findings import Finding
from specmock.runtime import Api

SHOWN_BODY_VIOLATIONS = 10


@dataclass(frozen=True, slots=True)
class HeaderRule:
    name: str  # as the spec writes it
    required: bool
    cast: Callable[[list[str]], Any]
    check: Check


@dataclass(frozen=True, slots=True)
class Expected:
    """The documented response an answer was matched to: its key and, when it has one, its media type."""

    key: str
    media: MediaType | None
    check: Check | None  # the body schema's validator (JSON and text media with a schema)


class ResponseContract:
    def __init__(self, api: Api, operation: Operation) -> None:
        self.operation = operation
        self.name = operation.key
        self.documented = ", ".join(operation.responses) or "nothing"
        self._headers = {
            key: tuple(_header_rule(api, h.name, h.required, h.schema) for h in response.headers)
            for key, response in operation.responses.items()
        }
        self._media = {
            key: {m.name: (m, _body_check(api, m)) for m in response.media}
            for key, response in operation.responses.items()
        }

    def head(
        self, method: str, status: int, headers: Mapping[str, str]
    ) -> tuple[list[Finding], Expected | None]:
        """Status, Content-Type and headers; the documented response the body is then checked against."""
        found = documented_key(self.operation.responses, (status,))
        if found is None:
            message = f"{status} is not documented (documented: {self.documented})"
            return [Finding(self.name, "response.status", "status", message)], None
        key = found[1]
        response: Response = self.operation.responses[key]
        findings = self._header_findings(key, headers)
        content_type = headers.get("content-type")
        has_body = method != "HEAD" and status not in NO_CONTENT_STATUSES
        if not response.media:
            if content_type and has_body and headers.get("content-length") != "0":
                message = f"{content_type!r} sent, but {key} documents no body"
                findings.append(Finding(self.name, "response.header.content-type", "content-type", message))
            return findings, Expected(key, None, None)
        if not has_body:
            return findings, Expected(key, None, None)
        media_type = (content_type or "").split(";")[0].strip().lower()
        matched = match_media(self._media[key], media_type) if media_type else None
        if matched is None:
            declared = ", ".join(self._media[key])
            sent = repr(content_type) if content_type else "no Content-Type"
            message = f"{sent} is not documented for {key} (documented: {declared})"
            findings.append(Finding(self.name, "response.header.content-type", "content-type", message))
            return findings, Expected(key, None, None)
        media, check = matched
        return findings, Expected(key, media, check)

    def body(self, expected: Expected, raw: bytes) -> tuple[list[Finding], Any]:
        """The body against the schema of the matched response and media type, and its parsed value
        (None when it has no schema to be checked against or cannot be parsed)."""
        if expected.check is None or expected.media is None:
            return [], None
        name = expected.media.name
        try:
            value = _parse(raw, name)
        except ValueError as error:
            rule = "json" if _json_like(name) else "schema"
            return [Finding(self.name, "response.body", rule, f"not valid {name}: {error}")], None
        problems = expected.check(value)
        found = [
            Finding(self.name, f"response.body{path}", "schema", message)
            for path, message in problems[:SHOWN_BODY_VIOLATIONS]
        ]
        return found, value

    def _header_findings(self, key: str, headers: Mapping[str, str]) -> list[Finding]:
        findings = []
        for rule in self._headers[key]:
            value = headers.get(rule.name.lower())
            place = f"response.header.{rule.name}"
            if value is None:
                if rule.required:
                    findings.append(Finding(self.name, place, "header", "required header is missing"))
                continue
            findings += [
                Finding(self.name, place + path.replace("/", "."), "header", message)
                for path, message in rule.check(rule.cast([value]))
            ]
        return findings


def _header_rule(api: Api, name: str, required: bool, schema: dict[str, Any]) -> HeaderRule:
    return HeaderRule(
        name, required, _header_caster(api.document, name, schema), api.check(schema, "response")
    )


def _header_caster(document: Any, name: str, schema: dict[str, Any]) -> Callable[[list[str]], Any]:
    """A response header's text read as its schema types it (style simple, as a header parameter)."""
    read = segment_reader(Spelling(name, "header", "simple", False, shape_of(document, schema)))
    typed = compile_typed(document, schema)
    return lambda values: typed(read(values[-1]))


def _json_like(name: str) -> bool:
    return is_json(name) or name.startswith("application/*")


def _body_check(api: Api, media: MediaType) -> Check | None:
    if media.schema is None or not (_json_like(media.name) or media.name.startswith("text/")):
        return None
    return api.check(media.schema, "response")


def _parse(raw: bytes, media: str) -> Any:
    if not _json_like(media):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValueError("not UTF-8 text") from error
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        try:
            return json.loads(raw)  # orjson stops at 64-bit integers; the standard parser does not
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ValueError(str(error).split(":")[0]) from None
