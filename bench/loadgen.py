"""Load generation: many keep-alive HTTP/1.1 connections driven from one asyncio process.

Why not httpx for the measured requests: on this 2-core machine httpx spends about 1 ms of CPU per
request, so against a fast route it saturates its core long before the server does (a bare
Litestar route measured ~570 req/s through httpx and ~3000 req/s through this client). A session
here is one connection that replays a prebuilt GET with the cookies of a session logged in by
httpx, reads the whole response, and checks it.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import time
from dataclasses import dataclass, field

_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding:[ \t]*chunked", re.IGNORECASE)
_CLOSE = re.compile(rb"\r\nconnection:[ \t]*close", re.IGNORECASE)


class WrongResponse(RuntimeError):
    """The server answered, but not with the page the benchmark means to measure."""


@dataclass
class Session:
    """One keep-alive connection replaying GET `path` with fixed cookies; loopback only."""

    host: str
    port: int
    path: str = "/"
    cookies: dict[str, str] = field(default_factory=dict)
    expect: bytes = b""  # every response body must contain this
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Authorization for the REST API
    _reader: asyncio.StreamReader | None = None
    _writer: asyncio.StreamWriter | None = None

    def __post_init__(self) -> None:
        if self.host not in ("127.0.0.1", "::1", "localhost"):
            raise ValueError("load generation is for loopback servers only")
        lines = [f"GET {self.path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept: text/html,*/*",
                 "User-Agent: storesync-bench"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        self._request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def get(self) -> float:
        """One request; its latency in seconds. Raises WrongResponse unless 200 with `expect`."""
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        began = time.perf_counter()
        self._writer.write(self._request)
        head = await self._reader.readuntil(b"\r\n\r\n")
        body = await self._read_body(head)
        elapsed = time.perf_counter() - began
        status = int(head[9:12])
        if status != 200 or self.expect not in body:
            raise WrongResponse(f"GET {self.path} on port {self.port}: {head[:12]!r} {body[:200]!r}")
        if _CLOSE.search(head):
            await self.close()
        return elapsed

    async def _read_body(self, head: bytes) -> bytes:
        assert self._reader is not None
        if match := _CONTENT_LENGTH.search(head):
            return await self._reader.readexactly(int(match.group(1)))
        if _CHUNKED.search(head):
            parts = []
            while size := int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await self._reader.readexactly(size))
                await self._reader.readexactly(2)
            await self._reader.readuntil(b"\r\n")  # no trailers expected
            return b"".join(parts)
        raise WrongResponse(f"response without length on port {self.port}: {head[:200]!r}")

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            try:
                await self._writer.wait_closed()
            except OSError:
                pass  # the server went first; nothing left to release
        self._reader = self._writer = None


@dataclass(slots=True)
class Phase:
    """The outcome of one measured burst of requests."""

    latencies: list[float]  # seconds, one per completed request
    wall: float  # seconds from first request to last response
    client_cpu: float  # CPU seconds this process spent meanwhile

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.wall

    @property
    def client_load(self) -> float:
        """Share of one core the load generator used; near 1.0 means it, not the server, was the limit."""
        return self.client_cpu / self.wall

    def percentile_ms(self, p: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


async def run_phase(sessions: list[Session], requests_each: int, max_seconds: float) -> Phase:
    """All sessions at once, each sending `requests_each` requests back to back; sessions stop
    early (with fewer requests) once `max_seconds` have passed."""
    latencies: list[float] = []
    deadline = time.monotonic() + max_seconds

    async def drive(session: Session) -> None:
        for _ in range(requests_each):
            if time.monotonic() > deadline:
                return
            latencies.append(await session.get())

    cpu, began = time.process_time(), time.perf_counter()
    async with asyncio.TaskGroup() as group:  # one failure stops the others
        for session in sessions:
            group.create_task(drive(session))
    return Phase(latencies, time.perf_counter() - began, time.process_time() - cpu)
