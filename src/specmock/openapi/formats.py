"""Format checks that jsonschema_rs does differently from openapi-schema-validator.

openapi-schema-validator (through jsonschema) accepts ``12:00:00`` as a ``time`` (and refuses the RFC 3339
``12:00:00Z``), checks ``email`` only for an ``@``, and checks 3.0 ``byte`` as base64. The checks here
accept what it accepts; ``time`` also takes RFC 3339 full-time, which the specification asks for.
"""

from __future__ import annotations

import binascii
import re
from base64 import b64decode
from collections.abc import Callable

_PARTIAL_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?$", re.ASCII)
_FULL_TIME = re.compile(
    r"^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([zZ]|[+-]([01]\d|2[0-3]):[0-5]\d)$", re.ASCII
)


def is_time(value: str) -> bool:
    return bool(_PARTIAL_TIME.match(value) or _FULL_TIME.match(value))


def is_email(value: str) -> bool:
    return "@" in value


def is_byte(value: str) -> bool:
    try:
        b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def custom_formats(version: str) -> dict[str, Callable[[str], bool]]:
    formats: dict[str, Callable[[str], bool]] = {"time": is_time, "email": is_email}
    if version == "3.0":
        formats["byte"] = is_byte
    return formats
