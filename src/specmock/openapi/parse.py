"""Bytes → plain JSON-like Python data: JSON through orjson, anything else as YAML.

YAML is built straight from libyaml's event stream instead of ``yaml.load``: it is about three times
faster (no node graph, no generic constructor) and it knows the JSON pointer of the key being read
when the text turns out to be broken. The data model stays JSON's: mapping keys are always the key's
text (``200:`` is ``"200"``, ``on:`` is ``"on"``), and timestamps stay strings. Values follow
PyYAML's YAML 1.1 resolution otherwise (``yes`` is ``True``, ``0x1F`` is ``31``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import yaml
from jsonpointer import JsonPointer
from yaml import events, nodes

from specmock.errors import SpecError

try:  # libyaml is optional in PyYAML; the pure Python parser yields the same events, only slower.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import Loader as _Parser  # type: ignore[assignment]

_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
_CONSTRUCT = yaml.constructor.SafeConstructor()
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{name}" for name in ("null", "bool", "int", "float", "str")}
_JSON_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*[{\[]")
# Documents are untrusted input. Real ones are far smaller: the upstream Rebilly document (3.6 MB,
# 613 operations) holds 74,000 values. An alias bomb is a few hundred bytes that YAML aliases
# expand to hundreds of millions of values, which every walk over the document (validation,
# serialising it, examples) would then pay for.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
MAX_VALUES = 2_000_000


def read_document(path: Path, file: str, pointer: str = "", subject: str = "the file") -> bytes:
    """The bytes of a document file: a regular file of at most ``MAX_DOCUMENT_BYTES``, else a
    ``SpecError`` at ``pointer`` of ``file`` saying what ``subject`` (the file, or the reference
    naming it) is wrong with."""
    try:
        if path.exists() and not path.is_file():  # a folder, or a pipe that would block start-up
            raise SpecError(file, pointer, f"{subject} is not a regular file")
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise SpecError(file, pointer, f"{subject} is {_mib(size)}; {_TOO_LARGE}")
        with path.open("rb") as handle:
            data = handle.read(size + 1)  # the file may have grown since: read on, to the bound
            if len(data) > size:
                data += handle.read(MAX_DOCUMENT_BYTES - size)
    except OSError as exc:
        raise SpecError(file, pointer, f"{subject} cannot be read ({exc.strerror or exc})") from exc
    if len(data) > MAX_DOCUMENT_BYTES:
        raise SpecError(file, pointer, f"{subject} is larger than {_mib(MAX_DOCUMENT_BYTES)}; {_TOO_LARGE}")
    return data


_TOO_LARGE = f"specmock reads documents of at most {MAX_DOCUMENT_BYTES // 1024 // 1024} MiB"


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


def parse_document(data: bytes, file: str, numeric_keys: list[str] | None = None) -> Any:
    """The document's data; a ``SpecError`` (with line, column and pointer) when it cannot be read.

    ``numeric_keys`` receives the pointers of the YAML keys that plain YAML would read as numbers
    (``200:``), which OpenAPI asks to quote.
    """
    if _JSON_START.match(data):
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # JSON-looking YAML (comments, single quotes), or broken: the YAML reader says which
        else:
            # A value and its separator take two bytes at least: smaller documents hold few enough.
            if len(data) > 2 * MAX_VALUES and _count_values(value) > MAX_VALUES:
                raise SpecError(file, "", f"the document holds more than {MAX_VALUES:,} values; {_TOO_MANY}")
            return value
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(file, "", f"the file is not UTF-8 text (byte {exc.start} cannot be decoded)") from exc
    builder = _YamlBuilder(text, file)
    document = builder.build()
    if numeric_keys is not None:
        numeric_keys.extend(builder.numeric_keys)
    return document


_TOO_MANY = "specmock refuses documents this large"


def _count_values(document: Any) -> int:
    count, stack = 0, [document]
    while stack and count <= MAX_VALUES:
        node = stack.pop()
        count += 1
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count


class _YamlBuilder:
    """Turns one YAML document's events into dicts, lists and scalars, tracking the current pointer."""

    def __init__(self, text: str, file: str) -> None:
        self._parser = _Parser(text)
        self._file = file
        self._anchors: dict[str, Any] = {}
        self._sizes: dict[str, int] = {}  # anchor → values its node holds, counted as if written out
        self._values = 0  # values read so far, each alias counted at the size of what it repeats
        self._open: set[int] = set()  # ids of containers still being filled, to refuse recursive aliases
        self._path: list[str] = []
        self.numeric_keys: list[str] = []

    def build(self) -> Any:
        try:
            self._expect(events.StreamStartEvent)
            if isinstance(self._parser.peek_event(), events.StreamEndEvent):
                raise SpecError(self._file, "", "the file is empty")
            self._expect(events.DocumentStartEvent)
            value = self._value(self._next())
            self._count(0)
            self._expect(events.DocumentEndEvent)
            if not isinstance(self._next(), events.StreamEndEvent):
                raise self._error("the file holds more than one YAML document; specmock reads exactly one")
            return value
        except yaml.MarkedYAMLError as exc:
            raise self._syntax_error(exc) from exc
        except yaml.YAMLError as exc:
            raise self._error(f"the YAML cannot be read: {exc}") from exc

    def _next(self) -> events.Event:
        event = self._parser.get_event()
        if event is None:  # pragma: no cover - libyaml ends every stream with StreamEndEvent
            raise self._error("the YAML stream ended early")
        return event

    def _expect(self, kind: type[events.Event]) -> None:
        event = self._next()
        if not isinstance(event, kind):  # pragma: no cover - libyaml enforces the stream grammar
            raise self._error(f"unexpected YAML event {type(event).__name__}")

    def _value(self, event: events.Event) -> Any:
        if isinstance(event, events.AliasEvent):
            return self._alias(event)
        start = self._values
        self._values += 1  # checked at each alias and at the end: only aliases grow it faster than text
        if isinstance(event, events.ScalarEvent):
            value = self._scalar(event)
        elif isinstance(event, events.MappingStartEvent):
            value = self._mapping(event)
        elif isinstance(event, events.SequenceStartEvent):
            value = self._sequence(event)
        else:  # pragma: no cover - libyaml enforces the stream grammar
            raise self._error(f"unexpected YAML event {type(event).__name__}")
        if event.anchor is not None:
            if not isinstance(value, dict | list):
                self._anchors[event.anchor] = value
            self._sizes[event.anchor] = self._values - start
        return value

    def _count(self, values: int) -> None:
        self._values += values
        if self._values > MAX_VALUES:
            raise self._error(
                f"the document expands to more than {MAX_VALUES:,} values "
                "(YAML aliases repeat what their anchor holds: an alias bomb?); " + _TOO_MANY
            )

    def _alias(self, event: events.AliasEvent) -> Any:
        if event.anchor not in self._anchors:
            raise self._error(f"the YAML alias *{event.anchor} names no anchor defined before it")
        value = self._anchors[event.anchor]
        if id(value) in self._open:
            raise self._error(f"the YAML alias *{event.anchor} refers to a node that contains it (a cycle)")
        self._count(self._sizes.get(event.anchor, 1))
        return value

    def _mapping(self, start: events.MappingStartEvent) -> dict[str, Any]:
        result: dict[str, Any] = {}
        self._open_container(start, result)
        merges: list[Any] = []
        while not isinstance(event := self._next(), events.MappingEndEvent):
            key = self._key(event)
            self._path.append(key)
            value = self._value(self._next())
            self._path.pop()
            if key == "<<" and isinstance(event, events.ScalarEvent) and event.implicit[0]:
                merges.append(value)
            else:
                result[key] = value
        self._apply_merges(result, merges)
        self._open.discard(id(result))
        return result

    def _sequence(self, start: events.SequenceStartEvent) -> list[Any]:
        result: list[Any] = []
        self._open_container(start, result)
        while not isinstance(event := self._next(), events.SequenceEndEvent):
            self._path.append(str(len(result)))
            result.append(self._value(event))
            self._path.pop()
        self._open.discard(id(result))
        return result

    def _open_container(
        self, start: events.CollectionStartEvent, container: dict[str, Any] | list[Any]
    ) -> None:
        self._open.add(id(container))
        if start.anchor is not None:
            self._anchors[start.anchor] = container

    def _key(self, event: events.Event) -> str:
        if isinstance(event, events.ScalarEvent):
            if event.implicit[0] and event.value[:1].isdigit() and _implicit_tag(event.value) == f"{_TAG}int":
                self.numeric_keys.append(_pointer([*self._path, event.value]))
            return event.value
        if isinstance(event, events.AliasEvent) and isinstance(self._anchors.get(event.anchor or ""), str):
            return str(self._anchors[event.anchor or ""])
        raise self._error("a mapping key is itself a mapping, a list or an alias; keys must be plain text")

    def _apply_merges(self, result: dict[str, Any], merges: list[Any]) -> None:
        for merge in merges:
            for source in merge if isinstance(merge, list) else [merge]:
                if not isinstance(source, dict):
                    raise self._error("a YAML merge key (<<) must name a mapping or a list of mappings")
                for key, value in source.items():
                    result.setdefault(key, value)

    def _scalar(self, event: events.ScalarEvent) -> Any:
        value: str = event.value
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return value  # quoted
            tag = _implicit_tag(value)
        if tag in (f"{_TAG}str", f"{_TAG}timestamp"):
            return value
        if tag not in _SCALAR_TAGS:
            raise self._error(f"the YAML tag {tag} is not supported in an OpenAPI document")
        try:
            return _CONSTRUCT.yaml_constructors[tag](_CONSTRUCT, nodes.ScalarNode(tag, value))
        except (ValueError, yaml.constructor.ConstructorError) as exc:
            raise self._error(f"the value {value!r} is not a valid {tag.removeprefix(_TAG)}") from exc

    def _error(self, reason: str) -> SpecError:
        return SpecError(self._file, _pointer(self._path), reason)

    def _syntax_error(self, exc: yaml.MarkedYAMLError) -> SpecError:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        return self._error(f"the YAML is not well-formed{where}: {problem}")


def _implicit_tag(value: str) -> str:
    for tag, regexp in _RESOLVERS.get(value[:1], ()):
        if regexp.match(value):
            return str(tag)
    return f"{_TAG}str"


def _pointer(path: list[str]) -> str:
    return str(JsonPointer.from_parts(path).path)
