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
    """``curl -X POST 'http://host/path?q' -H 'name: value' --data-binary '...'`` for one request; a
    body that is not printable text is piped in by ``printf`` (octal escapes carry any byte)."""
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
    pipe = ""
    if body:
        text = _printable(body)
        if text is not None:
            parts += ["--data-binary", shlex.quote(text)]
        else:
            pipe = f"printf '{_octal(body)}' | "
            parts += ["--data-binary", "@-"]
    line = pipe + " ".join(parts)
    return line + "  # body cut: only its start was recorded" if truncated else line


def _printable(body: bytes) -> str | None:
    """The body as text when it is UTF-8 whose lines are printable (tabs allowed), else None."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.replace("\t", " ").split("\n")
    return text if all(line.isprintable() for line in lines) else None


def _octal(body: bytes) -> str:
    """``printf`` format text giving exactly ``body``: printable ASCII as it is, the rest octal
    (``%``, ``'`` and ``\\`` too, and ``-``, which printf would read as an option at the start)."""
    return "".join(
        chr(byte) if 0x20 <= byte < 0x7F and byte not in (0x25, 0x27, 0x2D, 0x5C) else f"\\{byte:03o}"
        for byte in body
    )
