"""The file watcher of ``serve --watch``: watchfiles (Rust ``notify``: inotify, FSEvents, kqueue)
in the server's own event loop. The folders of every served file are watched (editors replace a
file rather than write it in place); a change to a served file builds the new version in a worker
thread, then installs it on the loop (``reload.Reloader``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from watchfiles import Change, awatch

from specmock.devloop.reload import Reloader

log = logging.getLogger("specmock")
logging.getLogger("watchfiles").setLevel(logging.WARNING)  # not "1 change detected" on every save
DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")


def _documents(change: Change, path: str) -> bool:
    return path.endswith(DOCUMENT_SUFFIXES)


def watcher(reloader: Reloader) -> Callable[[Any], Coroutine[Any, Any, None]]:
    """The coroutine the app starts in its event loop (``SpecmockApp.on_start``)."""

    async def watch(_app: Any) -> None:
        try:
            await _watch()
        except Exception:  # the server goes on serving the version it has
            log.exception("specmock: the file watcher stopped; restart to reload again")

    async def _watch() -> None:
        loop = asyncio.get_running_loop()
        while True:
            folders = reloader.folders()
            watched = sorted(str(folder) for folder in folders if folder.is_dir())
            if not watched:
                return
            async for changes in awatch(
                *watched, watch_filter=_documents, recursive=False, debounce=400, step=50
            ):
                if not reloader.relevant(Path(path) for _, path in changes):
                    continue
                prepared = await loop.run_in_executor(None, reloader.prepare)
                if prepared is not None:
                    reloader.install(prepared)
                if reloader.folders() != folders:
                    break  # the documents now read other files: watch their folders

    return watch
