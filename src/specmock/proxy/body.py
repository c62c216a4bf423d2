"""The client's request body in the proxy: read whole where the request checks need its bytes,
else streamed on.

A body is read whole (up to ``--max-body``) and checked before anything is forwarded when the
operation's checks parse it: the media type it matches is JSON, a form, multipart or text. Any other
body (an octet-stream or image upload, a media type the operation does not declare, an operation
without a request body, an undocumented path) is forwarded as it arrives: its checks need only its
headers and whether it is empty, which its first chunk tells. ``--max-body`` caps both (413); the
reading itself is ``specmock.request_body``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from specmock.pipeline.validate_request import match_media


def parses_body(media: str) -> bool:
    """Whether the request checks parse a body declared as ``media`` (as ``validate_request``'s
    ``_body_check`` decides: JSON, forms, multipart and text are parsed, anything else is opaque)."""
    return (
        media in ("application/json", "*/*", "application/*", "application/x-www-form-urlencoded")
        or media.endswith("+json")
        or media.startswith(("multipart/", "text/"))
    )


def read_whole(bodies: Mapping[str, Any], content_type: str) -> bool:
    """Whether a body of ``content_type`` must be read whole to be checked; ``bodies`` are the
    operation's declared media types. A type it does not declare is refused on its header alone."""
    check = match_media(bodies, content_type) if bodies else None
    return check is not None and parses_body(check.media.name)
