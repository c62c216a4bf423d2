"""The README's shell transcripts as data, and a comparison of documented output with real output.

A transcript is a ```console block: ``$ command`` lines (``\\`` continues them) each followed by the
output they print. Documented output may elide with ``…``:

* inside a string: the text before and after must be there (``"b3a2e1e8-…"`` is any string starting
  with ``b3a2e1e8-``);
* as an object member (``{"a":1,…}``): more members may follow; as an array element (``[{…}, …]``):
  more elements may follow; ``{…}`` is any object;
* as a header value: any value.

Everything that is not elided is compared exactly: a stale id or token fails. Object members may
come in any order. A trailing ``# 404`` on an output line asserts the status; other ``# …`` comments
are for the reader.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

ELIDED = "…"
MORE = "\u2026more"  # stands for the elided rest of an object or array
COMMENT = re.compile(r"\s{2,}#\s*(.*)$")
STATUS_LINE = re.compile(r"^HTTP/[\d.]+ (\d{3})")


@dataclass
class Step:
    command: str  # as documented, continuation lines joined, the reader's comment removed
    output: list[str] = field(default_factory=list)  # documented output lines, comments removed
    status: int | None = None  # from a trailing `# 404` on the output, or the status line


def console_blocks(markdown: str, section: str) -> list[str]:
    """The ```console blocks of one `## section` of a markdown document."""
    start = markdown.index(f"\n## {section}\n")
    end = markdown.find("\n## ", start + 1)
    text = markdown[start : end if end != -1 else None]
    return re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL)


def steps(block: str) -> list[Step]:
    found: list[Step] = []
    continuing = False
    for line in block.splitlines():
        if continuing:
            found[-1].command += " " + line.strip()
        elif line.startswith("$ "):
            found.append(Step(line[2:]))
        elif line.strip() and found:
            text, comment = _split_comment(line)
            if re.fullmatch(r"\d{3}", comment):
                found[-1].status = int(comment)
            found[-1].output.append(text)
            continue
        else:
            continue
        continuing = found[-1].command.endswith("\\")
        found[-1].command = found[-1].command.removesuffix("\\").rstrip()
        if not continuing:
            found[-1].command = _split_shell_comment(found[-1].command)
    return found


def _split_comment(line: str) -> tuple[str, str]:
    match = COMMENT.search(line)
    return (line[: match.start()], match.group(1).strip()) if match else (line, "")


def _split_shell_comment(command: str) -> str:
    """The command without a trailing `# comment` (outside quotes)."""
    quote = None
    for index, char in enumerate(command):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and index and command[index - 1] == " ":
            return command[:index].rstrip()
    return command


def mismatch(documented: list[str], actual: str, status: int | None = None) -> str | None:
    """Why the real output does not fit the documented one, or None when it does."""
    lines = [line.strip() for line in documented]
    if lines and STATUS_LINE.match(lines[0]):
        return _mismatch_with_headers(lines, actual)
    return _mismatch_body("".join(lines), actual)


def _mismatch_with_headers(lines: list[str], actual: str) -> str | None:
    head, _, body = actual.replace("\r\n", "\n").partition("\n\n")
    actual_lines = head.split("\n")
    wanted_status = STATUS_LINE.match(lines[0])
    got_status = STATUS_LINE.match(actual_lines[0])
    if not (wanted_status and got_status and wanted_status.group(1) == got_status.group(1)):
        return f"status line {actual_lines[0]!r}, documented {lines[0]!r}"
    headers = {}
    for line in actual_lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body_lines = []
    for line in lines[1:]:
        match = re.fullmatch(r"([A-Za-z0-9-]+): (.*)", line)
        if match and not body_lines:
            name, value = match.group(1).lower(), match.group(2)
            if name not in headers:
                return f"header {name} missing"
            if not _text_fits(value, headers[name]):
                return f"header {name}: {headers[name]!r}, documented {value!r}"
        else:
            body_lines.append(line)
    return _mismatch_body("".join(body_lines), body) if body_lines else None


def _mismatch_body(documented: str, actual: str) -> str | None:
    actual = actual.strip()
    try:
        wanted = parse_elided(documented)
    except ValueError:
        return (
            None if _text_fits(documented, actual) else f"output {actual[:300]!r}, documented {documented!r}"
        )
    try:
        got = json.loads(actual)
    except ValueError:
        return f"output is not JSON: {actual[:300]!r}"
    return _fits(wanted, got, "")


def parse_elided(text: str) -> Any:
    """Documented JSON with ``…`` elisions → a JSON value where elided rests are ``MORE`` entries."""
    out, stack, in_string, escaped = [], [], False, False
    for char in text:
        if in_string:
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif char == ELIDED:
            out.append(f'"{MORE}":0' if stack and stack[-1] == "{" else f'"{MORE}"')
        else:
            if char in "{[":
                stack.append(char)
            elif char in "}]" and stack:
                stack.pop()
            out.append(char)
    try:
        return json.loads("".join(out))
    except json.JSONDecodeError as exc:
        raise ValueError(str(exc)) from exc


def _fits(wanted: Any, got: Any, where: str) -> str | None:
    if isinstance(wanted, dict):
        return _fits_object(wanted, got, where)
    if isinstance(wanted, list):
        return _fits_array(wanted, got, where)
    if isinstance(wanted, str) and ELIDED in wanted:
        if isinstance(got, str) and _text_fits(wanted, got):
            return None
        return f"{where}: {json.dumps(got)[:200]}, documented {json.dumps(wanted)}"
    if wanted != got or type(wanted) is not type(got):
        return f"{where}: {json.dumps(got)[:200]}, documented {json.dumps(wanted)}"
    return None


def _fits_object(wanted: dict[str, Any], got: Any, where: str) -> str | None:
    if not isinstance(got, dict):
        return f"{where or '/'}: {json.dumps(got)[:200]} is not an object"
    keys = [k for k in wanted if k != MORE]
    missing = [k for k in keys if k not in got]
    if missing:
        return f"{where or '/'}: no {missing} in {json.dumps(got)[:300]}"
    extra = [k for k in got if k not in wanted]
    if extra and MORE not in wanted:
        return f"{where or '/'}: undocumented {extra}"
    return next((found for k in keys if (found := _fits(wanted[k], got[k], f"{where}/{k}"))), None)


def _fits_array(wanted: list[Any], got: Any, where: str) -> str | None:
    if not isinstance(got, list):
        return f"{where or '/'}: {json.dumps(got)[:200]} is not an array"
    open_ended = bool(wanted) and wanted[-1] == MORE
    items = wanted[:-1] if open_ended else wanted
    if len(got) < len(items) or (not open_ended and len(got) != len(items)):
        return f"{where or '/'}: {len(got)} items, documented {len(items)}{'+' if open_ended else ''}"
    pairs = enumerate(zip(items, got, strict=False))
    return next((found for i, (w, g) in pairs if (found := _fits(w, g, f"{where}/{i}"))), None)


def _text_fits(documented: str, actual: str) -> bool:
    """``…`` stands for any text; everything else is compared as written."""
    pattern = ".*".join(re.escape(part) for part in documented.split(ELIDED))
    return re.fullmatch(pattern, actual, flags=re.DOTALL) is not None
