"""Type aliases every layer shares. Imports nothing of specmock, so any module may import it."""

from __future__ import annotations

from typing import Any

# An OpenAPI / JSON Schema object as parsed from the document: keyword → value, `$ref`s unresolved.
Schema = dict[str, Any]
