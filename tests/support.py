"""Fixtures and helpers shared by the whole suite (imported by conftest.py)."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-42"


def unique(prefix: str = "x") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@dataclass
class Account:
    user_id: int
    org_id: int
    email: str
    password: str
    org_name: str


async def make_account(org_name: str | None = None) -> Account:
    """A new user owning a new organisation (through the real sign-up service)."""
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import sign_up

    email = f"{unique('user')}@example.id"
    org_name = org_name or unique("Toko ")
    form = SignupForm(name="Budi Santoso", organization_name=org_name, email=email, password=PASSWORD)
    user_id, org_id = await sign_up(form, ip="127.0.0.1")
    return Account(user_id, org_id, email, PASSWORD, org_name)


async def add_member(org_id: int, role: str) -> Account:
    """A new user with `role` in an existing organisation."""
    from app.domains.accounts.services import create_user
    from app.domains.accounts.tables import Membership, Organization

    email = f"{unique(role)}@example.id"
    user_id = await create_user(email, PASSWORD, f"{role.title()} Person")
    await Membership(organization=org_id, user=user_id, role=role).save()
    org = await Organization.select(Organization.name).where(Organization.id == org_id).first()
    return Account(user_id, org_id, email, PASSWORD, org["name"])


def csrf_token(client) -> str:
    token = client.cookies.get("ss_csrf")
    assert token, "no CSRF cookie yet: GET a page first"
    return token


async def login(client, account: Account) -> None:
    await client.get("/login")
    response = await client.post(
        "/login", data={"email": account.email, "password": account.password},
        headers={"x-csrftoken": csrf_token(client)},
    )
    assert response.status_code in (200, 303), response.text[:500]
    assert client.cookies.get("ss_session"), "login did not start a session"


async def post(client, url: str, data: dict | None = None, *, htmx: bool = False, **kwargs):
    """POST a form with the CSRF header, as the browser (or htmx) would."""
    if not client.cookies.get("ss_csrf"):
        await client.get("/login")
    headers = {"x-csrftoken": csrf_token(client), **kwargs.pop("headers", {})}
    if htmx:
        headers["HX-Request"] = "true"
    return await client.post(url, data=data or {}, headers=headers, **kwargs)


@pytest.fixture(scope="session")
def app():
    from app.main import create_app

    return create_app()


def http_client(app) -> httpx.AsyncClient:
    """A client that runs the app in this event loop (Litestar's AsyncTestClient uses another
    loop, which the shared Redis and database pools cannot follow)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")


@pytest.fixture
async def client(app):
    async with http_client(app) as test_client:
        yield test_client


@pytest.fixture
async def owner():
    return await make_account()


@pytest.fixture
async def owner_client(app, owner):
    async with http_client(app) as test_client:
        await login(test_client, owner)
        test_client.account = owner
        yield test_client


@pytest.fixture(autouse=True)
def test_started_ms() -> int:
    """When this test began (autouse fixtures are set up before the others of a test)."""
    return int(time.time() * 1000)


async def _drop_jobs_left_by_earlier_tests(started_ms: int) -> int:
    """Abort the jobs earlier tests enqueued and never ran (no worker of theirs, or one stopped
    mid-job): a test's worker runs its own test's jobs only. Left in the queue, a stale push
    retrying against a sandbox long gone kept SQLite's write lock past the next test's busy
    timeout ("database is locked")."""
    from saq.job import Status

    from app.core.queue import get_queue

    queue = get_queue()
    stale = [job async for job in queue.iter_jobs(statuses=[Status.QUEUED, Status.ACTIVE])
             if job.queued and job.queued < started_ms]
    for job in stale:
        await queue.abort(job, "left over by an earlier test")
    return len(stale)


@pytest.fixture
async def worker(test_started_ms):
    """A SAQ worker running in the test's event loop, on a queue without earlier tests' jobs."""
    from saq import Worker

    from tasks import worker_settings

    await _drop_jobs_left_by_earlier_tests(test_started_ms)
    opts = worker_settings()
    w = Worker(**opts)
    w.SIGNALS = []  # leave the test process's signals alone
    w.context["in_web_process"] = True
    task = asyncio.create_task(w.start())
    await asyncio.sleep(0.2)
    yield w
    await w.stop()
    task.cancel()
    try:
        await task
    except (asyncio.CancelledError, Exception):
        pass


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on loopback; the app is pointed at it while the test runs."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    from app.settings import get_settings

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    port = free_port()
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    settings = get_settings()
    old = (settings.smtp_host, settings.smtp_port)
    settings.smtp_host, settings.smtp_port = "127.0.0.1", port
    try:
        yield received
    finally:
        settings.smtp_host, settings.smtp_port = old
        controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mail_text(message) -> str:
    """The decoded body of a received e-mail."""
    payload = message.get_payload(decode=True)
    return payload.decode(message.get_content_charset() or "utf-8") if payload else str(message.get_payload())


def link_in(text, path_prefix: str) -> str:
    if not isinstance(text, str):
        text = mail_text(text)
    match = re.search(rf"https?://[^\s]+{re.escape(path_prefix)}[^\s\"<]+", text)
    assert match, f"no {path_prefix} link in {text[:300]!r}"
    return match.group(0)


def spawn(args: list[str], **env: str) -> subprocess.Popen:
    """Start a storesync process with the test run's settings (same database, Redis, queue).

    Its output goes to a temporary file, never a pipe: nobody reads a pipe until stop(), and a
    full pipe (64 KB of access and job logs) blocks the child's event loop on its next log line.
    """
    from app.settings import get_settings

    full_env = get_settings().child_env()
    full_env.update(env)
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=full_env,
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    proc.log_file = log  # type: ignore[attr-defined]
    return proc


def output(proc: subprocess.Popen) -> str:
    """What a spawned process has printed so far."""
    log = getattr(proc, "log_file", None)
    if log is None or log.closed:
        return ""
    log.flush()
    log.seek(0)
    return log.read()


def wait_http(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 600:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def stop(proc: subprocess.Popen) -> str:
    """Stop a spawned process (SIGTERM, then SIGKILL after 10 s) and return all it printed."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    text = output(proc)
    log = getattr(proc, "log_file", None)
    if log is not None:
        log.close()
    return text


@pytest.fixture
def live_server():
    """A real `storesync serve` process on a free loopback port (web only; no worker)."""
    port = free_port()
    proc = spawn(["serve", "--port", str(port)])
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/login")
    except TimeoutError:
        print(stop(proc))
        raise
    yield url
    stop(proc)


__all__ = [
    "Account", "PASSWORD", "http_client", "add_member", "app", "client", "csrf_token", "free_port", "link_in", "live_server",
    "login", "make_account", "owner", "owner_client", "post", "smtp_server", "spawn", "stop", "unique",
    "wait_http", "worker", "test_started_ms", "os",
]
