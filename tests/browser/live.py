"""A real `storesync serve --with-worker` process for browser tests (the session's, or a module's own
with other settings)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support import free_port, spawn, stop, wait_http


@contextmanager
def serving(log: Path | None = None, **env: str) -> Iterator[str]:
    """A real web process with a job worker inside, on the run's (already migrated) database, with
    these settings on top; its output is written to `log` when given, and printed when it holds a
    traceback."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # BASE_URL: the links the app shows or mails (invitations) must point at this very server
    proc = spawn(["serve", "--port", str(port), "--with-worker"], BASE_URL=url, **env)
    try:
        wait_http(url + "/healthz", timeout=60)
    except TimeoutError:
        print(stop(proc))
        raise
    yield url
    output = stop(proc)
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(output)
    if re.search(r"Traceback|ERROR", output):
        print(output[-4000:])
