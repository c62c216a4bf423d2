"""Instructions per request of a real server process (Granian + the app), counted by valgrind's callgrind.

    python bench/server_instructions.py --spec hellgate --path /authentications -H X-API-Key:k
    python bench/server_instructions.py --spec hellgate --path /authentications --server ceiling
    python bench/server_instructions.py ... --source OTHER_CHECKOUT/src      # another specmock
    python bench/server_instructions.py --spec rebilly --method POST \
        --path /organizations/org_0YVDM8RC7GDADADSBSMW124JA8/authentication-tokens -H REB-APIKEY:k \
        -H Content-Type:application/json --body '{"mode":"password","username":"a@b.co","password":"secret"}'
                                                  # a create (add --server ceiling [--read-body])
    python bench/server_instructions.py ... --threads                        # each thread apart

Starts ``specmock serve SPEC`` (or, ``--server ceiling``, ``ceiling_app.py --server granian
--replay SPEC``: the same answer from bare Granian) under callgrind with instrumentation off, sends
300 requests on one keep-alive connection, then counts N and 3N requests (instrumentation on only
while they are sent); the difference divided by 2N is the server's instructions per request, its
start-up and the count's fixed costs cancelled out. Unlike req/s and CPU time, the figure holds
however busy the machine is (~2 % between runs: hash seeds and addresses), and unlike
``inprocess.py --instructions`` it includes what Granian does for the app (the scope's strings, the
header list) besides the app itself.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import free_port  # bench/run.py

BENCH = Path(__file__).resolve().parent
WARMUP = 300
TOTAL = re.compile(r"^totals: (\d+)", re.MULTILINE)  # a dump's own line, "summary" may read 0


def server_command(args: argparse.Namespace, port: int) -> list[str]:
    headers = [item for header in args.header for item in ("--header", header)]
    if args.server == "ceiling":
        replay = ["--replay", args.spec, "--method", args.method, "--path", args.path, *headers]
        if args.body is not None:
            replay += ["--data", args.body]
        if args.read_body:
            replay.append("--read-body")
        return [
            sys.executable,
            str(BENCH / "ceiling_app.py"),
            "--server",
            "granian",
            *replay,
            "--port",
            str(port),
        ]
    serve = ["serve", args.spec, "--host", "127.0.0.1", "--port", str(port), "--seed", "1", "--quiet"]
    return [sys.executable, "-m", "specmock", *serve]


def connect(port: int, server: subprocess.Popen[bytes], timeout: float = 600.0) -> socket.socket:
    deadline = time.monotonic() + timeout  # the server starts slowly under valgrind
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port))
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start") from None
            time.sleep(1)


def send(connection: socket.socket, request: bytes, count: int) -> bytes:
    """Send ``request`` ``count`` times, reading each answer whole; the last status line."""
    status = b""
    for _ in range(count):
        connection.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received:
            received += connection.recv(65536)
        head, _, body = received.partition(b"\r\n\r\n")
        length = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
        while length and len(body) < int(length.group(1)):
            body += connection.recv(65536)
        status = head.split(b"\r\n", 1)[0]
    return status


def measure(args: argparse.Namespace) -> int:
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="specmock-instructions-"))
    env = dict(os.environ)
    if args.source:
        env["PYTHONPATH"] = str(Path(args.source).resolve())
    valgrind = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={work}/out.%p"]
    if args.threads:
        valgrind.append("--separate-threads=yes")
    with (work / "valgrind.log").open("w") as log:
        server = subprocess.Popen([*valgrind, *server_command(args, port)], stdout=log, stderr=log, env=env)
    try:
        connection = connect(port, server)
        head = [f"{args.method} {args.path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
        head += [
            f"{name.strip()}: {value.strip()}" for name, _, value in (h.partition(":") for h in args.header)
        ]
        body = b"" if args.body is None else args.body.encode()
        if args.body is not None:
            head.append(f"Content-Length: {len(body)}")
        request = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        print(send(connection, request, WARMUP).decode())
        counts = []
        for number, count in enumerate((args.requests, 3 * args.requests), start=1):
            pid = str(server.pid)
            for step in ("--zero", "--instr=on"):
                subprocess.run(["callgrind_control", step, pid], check=True, capture_output=True)
            send(connection, request, count)
            for step in ("--instr=off", "--dump"):
                subprocess.run(["callgrind_control", step, pid], check=True, capture_output=True)
            counts.append(dump_totals(work, pid, number))
        connection.close()
    finally:
        server.terminate()
        server.wait()
        if args.keep:
            Path(args.keep).mkdir(parents=True, exist_ok=True)
            for dump in sorted(work.glob("out.*"), key=lambda path: path.stat().st_mtime_ns):
                shutil.copy(dump, Path(args.keep) / dump.name)
        shutil.rmtree(work, ignore_errors=True)
    per_thread = {
        thread: (counts[1][thread] - counts[0].get(thread, 0)) / (2 * args.requests) for thread in counts[1]
    }
    sent = f"{args.requests:,} vs {3 * args.requests:,} sent"
    if args.threads:
        for thread, instructions in sorted(per_thread.items()):
            print(f"thread {thread}: {instructions:,.0f} per request")
    print(f"server instructions per request: {sum(per_thread.values()):,.0f} (callgrind: {sent})")
    return 0


def dump_totals(work: Path, pid: str, number: int) -> dict[str, int]:
    """The ``number``th dump's total, by thread (``--separate-threads``: ``out.PID.N-TT``, thread 01
    is the main one: the event loop and the app) or of the whole process (``out.PID.N``)."""
    dump = re.compile(rf"out\.{pid}\.{number}(?:-(\d+))?")
    totals = {}
    for path in work.iterdir():
        name = dump.fullmatch(path.name)
        if name is None:
            continue
        found = TOTAL.search(path.read_text())
        if found is None:
            raise SystemExit(f"no total in {path}")
        totals[name.group(1) or "all"] = int(found.group(1))
    if not totals:
        raise SystemExit(f"callgrind wrote no dump {number} in {work}")
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--spec", default="hellgate", help="bundled API name or spec path")
    parser.add_argument("--method", default="GET")
    parser.add_argument("--path", default="/authentications", help="path and query as sent")
    parser.add_argument("-H", "--header", action="append", default=[], help="Name:value (repeatable)")
    parser.add_argument("--body", default=None, help="request body (sent with its Content-Length)")
    parser.add_argument("--server", choices=("specmock", "ceiling"), default="specmock")
    parser.add_argument(
        "--read-body", action="store_true", help="the ceiling awaits the request's body first"
    )
    parser.add_argument("--source", default=None, help="import specmock from this src (a baseline)")
    parser.add_argument("-n", "--requests", type=int, default=1000)
    parser.add_argument(
        "--threads", action="store_true", help="count each thread apart (valgrind --separate-threads)"
    )
    parser.add_argument(
        "--keep", default=None, help="copy callgrind's dumps here (for callgrind_annotate; the last is 3N)"
    )
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    return measure(args)


if __name__ == "__main__":
    sys.exit(main())
