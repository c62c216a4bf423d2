"""The curl command that sends a recorded request again (the dashboard's and the journal's)."""

from __future__ import annotations

import shlex
from collections.abc import Mapping

# Headers curl sets itself, or that describe the old connection rather than the request.
LEFT_OUT = frozenset(
    {
        "host",
        "content-length",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "accept-encoding",
        "user-agent",
        "te",
        "upgrade",
        "expect",
    }
)


def curl_line(method: str, full_path: str, headers: Mapping[str, str], body: bytes, truncated: bool) -> str:
    """``curl -X POST 'http://host/path?q' -H 'name: value' --data-raw '...'`` for one request."""
    host = headers.get("host") or "localhost"
    parts = ["curl"]
    if method == "HEAD":
        parts.append("--head")
    elif method != "GET" or body:
        parts += ["-X", method]
    parts.append(shlex.quote(f"http://{host}{full_path}"))
    for name, value in headers.items():
        if name not in LEFT_OUT:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if body:
        parts += ["--data-binary", _quoted_bytes(body)]
    line = " ".join(parts)
    return line + "  # body cut: only its start was recorded" if truncated else line


def _quoted_bytes(body: bytes) -> str:
    """Single-quoted text when the body is printable UTF-8, else bash's ``$'...'`` with escapes."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and _printable_lines(text):
        return shlex.quote(text)
    escaped = "".join(
        chr(byte) if 0x20 <= byte < 0x7F and byte not in (0x27, 0x5C) else f"\\x{byte:02x}" for byte in body
    )
    return f"$'{escaped}'"


def _printable_lines(text: str) -> bool:
    return all(line.isprintable() for line in text.replace("\t", " ").splitlines())
