"""Type aliases every layer shares. Imports nothing of specmock, so any module may import it."""

from __future__ import annotations

from typing import Any

# An OpenAPI / JSON Schema object as parsed from the document: keyword → value, `$ref`s unresolved.
Schema = dict[str, Any]

# A parsed OpenAPI (or Swagger 2.0) document, or one of its objects: key → value.
Document = dict[str, Any]

# Name–value pairs in the order they came, repeats kept (form fields, headers).
Pairs = list[tuple[str, str]]
