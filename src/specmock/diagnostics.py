"""Request-time findings as values. Stages return them; ``negotiate`` decides which one wins."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(enum.Enum):
    SECURITY = "security"  # missing or wrong credentials → 401
    INVALID = "invalid"  # a parameter or the body breaks the spec → 422 / 400
    MEDIA_TYPE = "media-type"  # body content type not declared → 415
    NOT_ACCEPTABLE = "not-acceptable"  # no declared response media type fits Accept → 406
    NOT_FOUND = "not-found"  # stateful item does not exist → 404
    CONFLICT = "conflict"  # a unique field is already taken → 409 / 400 / 422
    TOO_LARGE = "too-large"  # the request body exceeds --max-body → 413
    STORAGE_FULL = "storage-full"  # the collection holds --max-records already → 507 / 409
    RESPONSE = "response"  # the engine's own answer broke the spec (logged, never shown as an error)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    kind: Kind
    message: str
    location: str = ""  # path | query | header | cookie | body | security | …
    name: str = ""  # parameter name or JSON path inside the body ("/items/0/id")

    @property
    def where(self) -> str:
        """``query.limit``, ``body/items/0``: what a human reads first."""
        if self.location == "body":
            return "body" + (self.name if self.name.startswith("/") or not self.name else "/" + self.name)
        if self.location and self.name:
            return f"{self.location}.{self.name}"
        return self.name or self.location

    def describe(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message
