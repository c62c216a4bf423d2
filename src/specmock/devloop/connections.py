"""Closing a client's TCP connection without an answer (``Prefer: fault=reset``).

Neither RSGI nor ASGI lets an app drop a connection: Granian answers 500 when an RSGI app returns
without responding, and ASGI servers do the same. Both tell the app the connection's two addresses
(RSGI ``scope.server`` / ``scope.client`` as ``host:port``, ASGI tuples), which name exactly one
socket of this process. That socket is found among the process's open descriptors, given
``SO_LINGER`` 0 (its close sends a TCP RST) and shut down: the client reads the end of the
connection where it waits for an answer, and the server's own close then resets it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
from pathlib import Path

Address = tuple[str, int]
_DESCRIPTOR_DIRS = (Path("/proc/self/fd"), Path("/dev/fd"))  # Linux, then macOS and the BSDs
_LINGER_ZERO = struct.pack("ii", 1, 0)


def parse_address(text: str) -> Address | None:
    """``127.0.0.1:4010`` or ``[::1]:4010`` (RSGI's form) → (host, port); None when it is not one."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        return None
    return host.strip("[]"), int(port)


def drop_connection(local: Address | None, peer: Address | None) -> bool:
    """Reset the TCP connection between ``local`` (the server's end) and ``peer``; False when this
    process holds no such socket (an in-process client, or a platform without a descriptor list)."""
    if local is None or peer is None:
        return False
    found = _find_socket(local, peer)
    if found is None:
        return False
    with found:
        with contextlib.suppress(OSError):
            found.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_ZERO)
        try:
            found.shutdown(socket.SHUT_RDWR)
        except OSError:
            return False
    return True


def _find_socket(local: Address, peer: Address) -> socket.socket | None:
    """A duplicate of the connected socket between the two addresses (the caller closes it)."""
    folder = next((d for d in _DESCRIPTOR_DIRS if d.is_dir()), None)
    if folder is None:
        return None
    for name in os.listdir(folder):
        if not name.isdigit():
            continue
        try:
            duplicate = os.dup(int(name))
        except OSError:
            continue  # closed since the listing
        try:
            candidate = socket.socket(fileno=duplicate)
        except OSError:
            os.close(duplicate)  # not a socket
            continue
        try:
            if (
                candidate.type == socket.SOCK_STREAM
                and _same(candidate.getsockname(), local)
                and _same(candidate.getpeername(), peer)
            ):
                return candidate
        except OSError:
            pass  # a listening or unconnected socket has no peer
        candidate.close()
    return None


def _same(address: object, wanted: Address) -> bool:
    if not isinstance(address, tuple) or len(address) < 2:
        return False
    host, port = address[0], address[1]
    return port == wanted[1] and _host(str(host)) == _host(wanted[0])


def _host(host: str) -> str:
    return host.removeprefix("::ffff:")  # an IPv4 client on a dual-stack socket
