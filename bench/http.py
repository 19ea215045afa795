"""HTTP figures: the logged-in dashboard, order list, product list and order page under 50
concurrent sessions, and the same load on a bare Litestar route served the same way, so each ratio
shows what the app costs on top of the framework.

The dashboard is measured with 50 owners of 50 organisations; the other pages with 50 members of
one organisation holding the demo catalog (12 products, 36 variants) and SHOP_ORDERS manual orders,
so the order list shows a full page of 50.

Both servers are real subprocesses on loopback ports: `storesync serve` (one web process, no job
worker) and `python -m bench.http --port N`, which serves `bare_app` with the uvicorn settings of
app/cli.py. Each session logs in with its own httpx.AsyncClient (GET /login for the CSRF cookie,
POST /login); the measured requests then go through bench.loadgen, one keep-alive connection per
session carrying that session's cookies, all sessions at once, a fixed count each, bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import os
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable

import httpx
from litestar import Litestar, MediaType, get

from bench import benchmark
from bench.environment import BenchEnvironment
from bench.loadgen import Phase, Session, run_phase

log = logging.getLogger("bench.http")

HOST = "127.0.0.1"
SESSIONS = 50
WARMUP_REQUESTS = 3  # per session, not measured
PAGE_REQUESTS = 20  # per session and page, measured
BARE_REQUESTS = 200  # per session: the bare route is fast, and a phase of a second or less is noise
PHASE_SECONDS = 40.0  # a measured phase stops early (with fewer requests) past this
WRITE_REQUESTS = 100  # per session and page in a phase with writes: kept pages make a phase short
WRITE_INTERVAL = 1.0  # seconds between writes in each organisation during a phase with writes
SHOP_ORDERS = 80  # the demo's own orders plus manual ones: more than a page of the order list
JOBS_PER_ORGANIZATION = 5  # so the dashboard's "recent jobs" list has rows to render
LOGIN_CONCURRENCY = 10
PASSWORD = "bench-password-42"
SHOPS = ["Toko Sumber Rejeki", "Batik Laweyan", "Kopi Gayo Asli", "Sambal Bu Rudy", "Tenun Sumba",
         "Keripik Maicih", "Kerajinan Jepara", "Madu Hutan Riau", "Rendang Uni Ros", "Sepatu Cibaduyut"]
OWNERS = ["Budi Santoso", "Siti Rahayu", "Agus Wijaya", "Dewi Lestari", "Made Wirawan",
          "Rina Marlina", "Yusuf Hidayat", "Putu Ayu", "Fajar Nugroho", "Intan Permata"]


@get("/", media_type=MediaType.TEXT)
async def ok() -> str:
    return "ok"


bare_app = Litestar(route_handlers=[ok], openapi_config=None)


def serve_bare(host: str, port: int) -> None:
    """Serve `bare_app` with the uvicorn settings app/cli.py serves the app with."""
    import uvicorn

    from app.cli import server_options

    config = uvicorn.Config("bench.http:bare_app", host=host, port=port, proxy_headers=True, **server_options())
    uvicorn.Server(config).run()


def _cpu_seconds(proc: subprocess.Popen) -> float:
    """CPU time (user + system) the process has used so far, from /proc (Linux)."""
    fields = open(f"/proc/{proc.pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


async def _wait_ready(env: BenchEnvironment, proc: subprocess.Popen, url: str, log_name: str,
                      timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{log_name} exited with {proc.returncode}:\n{env.log_tail(log_name)}")
            try:
                await client.get(url)
                return
            except httpx.TransportError:
                await asyncio.sleep(0.2)
    raise RuntimeError(f"{log_name} did not answer {url} within {timeout:.0f}s:\n{env.log_tail(log_name)}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


async def _seed(env: BenchEnvironment) -> list[tuple[str, str, int]]:
    """SESSIONS organisations, each with its owner and a few (queued) jobs, through the services;
    (owner e-mail, organisation name, organisation id) of each."""
    from app.core import tasks
    from app.core.tenancy import Actor, Tenant
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import sign_up
    from app.domains.jobs import services as jobs

    owners = []
    for i in range(SESSIONS):
        email = f"bench{i:02d}.{env.run_id}@example.id"
        org_name = f"{SHOPS[i % len(SHOPS)]} {i:02d}"
        form = SignupForm(name=OWNERS[i % len(OWNERS)], organization_name=org_name, email=email, password=PASSWORD)
        user_id, org_id = await sign_up(form, ip=HOST)
        tenant = Tenant(org_id, Actor(user_id, HOST, email))
        for j in range(JOBS_PER_ORGANIZATION):
            await jobs.start(tenant, tasks.demo_count, f"Hitung anggota #{j + 1}")
        owners.append((email, org_name, org_id))
    return owners


async def _seed_shop(env: BenchEnvironment) -> tuple[list[str], dict[str, tuple[str, str]], Callable[[], Awaitable[None]]]:
    """One organisation with the demo catalog and SHOP_ORDERS orders, and SESSIONS members of it
    (role member); their e-mails, the paths of the pages measured with what each must show, and a
    write in the shop as the phases with writes make it (a unit of stock received, through the
    stock service: its AvailableChanged tells the page cache, as every stock change does)."""
    from faker import Faker

    from app.core.tenancy import Actor, Tenant
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import create_user, sign_up
    from app.domains.accounts.tables import Membership
    from app.domains.catalog.demo import seed_catalog
    from app.domains.catalog.tables import Variant
    from app.domains.inventory import stock
    from app.domains.inventory.locations import list_locations
    from app.domains.orders.demo import seed_orders
    from app.domains.orders.services import create_manual_order
    from app.domains.orders.tables import Order

    form = SignupForm(name="Budi Santoso", organization_name=f"Toko Bench {env.run_id}",
                      email=f"shop.{env.run_id}@example.id", password=PASSWORD)
    user_id, org_id = await sign_up(form, ip=HOST)
    tenant = Tenant(org_id, Actor(user_id, HOST, form.email))
    fake = Faker("id_ID")
    fake.seed_instance(15)
    await seed_catalog(org_id, fake)
    await seed_orders(org_id, fake)
    variants = await tenant.scoped(Variant).select(Variant.id, Variant.sku).where(
        Variant.is_bundle == False).order_by(Variant.id)  # noqa: E712
    location = (await list_locations(tenant))[0]["id"]
    for v in variants:  # enough for every extra order
        await stock.receive(tenant, v["id"], location, SHOP_ORDERS, reason="bench")
    skus = [v["sku"] for v in variants]
    have = await tenant.scoped(Order).count()
    for i in range(SHOP_ORDERS - have):
        await create_manual_order(tenant, customer_name=fake.name(), phone=fake.phone_number(),
                                  address=fake.street_address(), lines=[(skus[i % len(skus)], 1)])
    newest = await tenant.scoped(Order).select(Order.id, Order.platform_order_id).order_by(
        Order.id, ascending=False).first()
    members = []
    for i in range(SESSIONS):
        email = f"member{i:02d}.{env.run_id}@example.id"
        member_id = await create_user(email, PASSWORD, OWNERS[i % len(OWNERS)])
        await Membership(organization=org_id, user=member_id, role="member").save()
        members.append(email)
    pages = {"orders": ("/orders", newest["platform_order_id"]),
             "products": ("/products", "Kemeja Batik Parang"),
             "order_detail": (f"/orders/{newest['id']}", newest["platform_order_id"])}

    async def receive_one() -> None:
        await stock.receive(tenant, variants[0]["id"], location, 1, reason="bench write")

    return members, pages, receive_one


async def _login(base_url: str, email: str) -> dict[str, str]:
    """Log in as the browser does; the session's cookies."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        await client.get("/login")
        token = client.cookies.get("ss_csrf") or ""
        response = await client.post("/login", data={"email": email, "password": PASSWORD},
                                     headers={"x-csrftoken": token})
        if response.status_code not in (200, 303) or not client.cookies.get("ss_session"):
            raise RuntimeError(f"login of {email} failed: {response.status_code} {response.text[:300]}")
        return {cookie.name: cookie.value for cookie in client.cookies.jar}


async def _logged_in_sessions(owners: list[tuple[str, str]], port: int) -> list[Session]:
    """Each (e-mail, text the page must show) logged in, asking for the dashboard."""
    began = time.monotonic()
    gate = asyncio.Semaphore(LOGIN_CONCURRENCY)

    async def login(email: str, org_name: str) -> Session:
        async with gate:
            cookies = await _login(f"http://{HOST}:{port}", email)
        return Session(HOST, port, "/", cookies, expect=org_name.encode())

    sessions = await asyncio.gather(*(login(email, org) for email, org in owners))
    log.info("logged in %d sessions in %.1fs", len(sessions), time.monotonic() - began)
    return list(sessions)


def _on_page(sessions: list[Session], path: str, expect: str) -> list[Session]:
    """The same logged-in sessions (their cookies) asking for another page, on new connections."""
    return [Session(HOST, s.port, path, s.cookies, expect=expect.encode()) for s in sessions]


async def _measure(what: str, sessions: list[Session], requests_each: int,
                   server: subprocess.Popen) -> tuple[Phase, float]:
    """The phase, and the server's CPU milliseconds per request in it (what other work on the
    machine barely changes, unlike requests per second)."""
    await run_phase(sessions, WARMUP_REQUESTS, PHASE_SECONDS)
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    if load > cores:
        log.warning("%s: load average %.1f on %d cores; other work on this machine will skew the figures",
                    what, load, cores)
    cpu = _cpu_seconds(server)
    phase = await run_phase(sessions, requests_each, PHASE_SECONDS)
    cpu_ms = (_cpu_seconds(server) - cpu) * 1000 / max(1, len(phase.latencies))
    if len(phase.latencies) < len(sessions) * requests_each:
        log.warning("%s: stopped at %.0fs after %d requests", what, PHASE_SECONDS, len(phase.latencies))
    log.info("%s: %d requests in %.2fs, %.0f req/s, p50 %.1f ms, p95 %.1f ms, server CPU %.2f ms a request; "
             "load generator at %.0f%% of a core", what, len(phase.latencies), phase.wall, phase.rps,
             phase.percentile_ms(50), phase.percentile_ms(95), cpu_ms, 100 * phase.client_load)
    if phase.client_load > 0.9:
        log.warning("%s: the load generator was near a full core; the server may not have been the limit", what)
    return phase, cpu_ms


async def _measure_with_writes(what: str, sessions: list[Session], server: subprocess.Popen,
                               write: Callable[[], Awaitable[None]]) -> tuple[Phase, float]:
    """`_measure` while `write()` runs every WRITE_INTERVAL seconds: each write changes the
    organisation's data version, so every session's kept page is rendered again once after it."""
    stop = asyncio.Event()
    writes = 0

    async def writer() -> None:
        nonlocal writes
        while not stop.is_set():
            await write()
            writes += 1
            try:
                await asyncio.wait_for(stop.wait(), WRITE_INTERVAL)
            except TimeoutError:
                pass

    task = asyncio.create_task(writer())
    try:
        result = await _measure(f"{what} with writes", sessions, WRITE_REQUESTS, server)
    finally:
        stop.set()
        await task
    log.info("%s with writes: %d writes, one every %.1f s", what, writes, WRITE_INTERVAL)
    return result


@benchmark("http.")
async def pages_against_bare(env: BenchEnvironment) -> None:
    """http.<page>.p50_ms / p95_ms / rps for the dashboard, order list, product list and order page,
    http.bare.rps, and each page's rps over the bare route's: http.page_vs_bare.ratio (the dashboard)
    and http.<page>_vs_bare.ratio; the same pages again while their organisation's data changes once
    a second (the page cache's honest case): *.rps_with_writes, *.ratio_with_writes."""
    from app.core.page_cache import bump

    app_port, bare_port = _free_port(), _free_port()
    app_server = env.spawn(["-m", "app.cli", "serve", "--host", HOST, "--port", str(app_port)], "app-server")
    bare_server = env.spawn(["-m", "bench.http", "--host", HOST, "--port", str(bare_port)], "bare-server")
    opened: list[Session] = []
    phases: dict[str, tuple[Phase, float]] = {}
    with_writes: dict[str, tuple[Phase, float]] = {}
    try:
        began = time.monotonic()
        owners = await _seed(env)  # while the servers start
        members, pages, shop_write = await _seed_shop(env)
        log.info("seeded %d organisations and the shop in %.1fs", len(owners), time.monotonic() - began)
        await _wait_ready(env, app_server, f"http://{HOST}:{app_port}/login", "app-server")
        await _wait_ready(env, bare_server, f"http://{HOST}:{bare_port}/", "bare-server")
        sessions = await _logged_in_sessions([(email, org) for email, org, _id in owners], app_port)
        opened += sessions
        phases["dashboard"] = await _measure("dashboard", sessions, PAGE_REQUESTS, app_server)
        # a write a second in each of the fifty organisations: what any write request, event or job of
        # theirs does to the page cache (the data each dashboard reads stays the same)
        with_writes["dashboard"] = await _measure_with_writes(
            "dashboard", sessions, app_server, functools.partial(bump, *(org_id for _e, _o, org_id in owners)))
        shop_sessions = await _logged_in_sessions([(email, "") for email in members], app_port)
        opened += shop_sessions
        for page, (path, expect) in pages.items():
            on_page = _on_page(shop_sessions, path, expect)
            opened += on_page
            phases[page] = await _measure(page, on_page, PAGE_REQUESTS, app_server)
            with_writes[page] = await _measure_with_writes(page, on_page, app_server, shop_write)
        bare_sessions = [Session(HOST, bare_port, "/", expect=b"ok") for _ in range(SESSIONS)]
        opened += bare_sessions
        bare, bare_cpu = await _measure("bare route", bare_sessions, BARE_REQUESTS, bare_server)
    finally:
        for session in opened:
            await session.close()
        _stop(app_server)
        _stop(bare_server)

    for page, (phase, cpu_ms) in phases.items():
        n = len(phase.latencies)
        env.report(f"http.{page}.p50_ms", round(phase.percentile_ms(50), 2), "ms", n)
        env.report(f"http.{page}.p95_ms", round(phase.percentile_ms(95), 2), "ms", n)
        env.report(f"http.{page}.rps", round(phase.rps, 1), "req/s", n)
        env.report(f"http.{page}.server_cpu_ms", round(cpu_ms, 3), "ms", n)
    env.report("http.bare.rps", round(bare.rps, 1), "req/s", len(bare.latencies))
    env.report("http.bare.server_cpu_ms", round(bare_cpu, 4), "ms", len(bare.latencies))
    for page, (phase, cpu_ms) in phases.items():
        name = "http.page_vs_bare" if page == "dashboard" else f"http.{page}_vs_bare"
        env.report(f"{name}.ratio", round(phase.rps / bare.rps, 4), "ratio", len(phase.latencies))
        # the same comparison in server CPU per request, which other work on the machine barely moves
        env.report(f"{name}.cpu_ratio", round(bare_cpu / cpu_ms, 4), "ratio", len(phase.latencies))
    for page, (phase, cpu_ms) in with_writes.items():
        # the same pages while their organisation's data changes once a second (the page cache's real case)
        name = "http.page_vs_bare" if page == "dashboard" else f"http.{page}_vs_bare"
        n = len(phase.latencies)
        env.report(f"http.{page}.rps_with_writes", round(phase.rps, 1), "req/s", n)
        env.report(f"http.{page}.server_cpu_ms_with_writes", round(cpu_ms, 3), "ms", n)
        env.report(f"{name}.ratio_with_writes", round(phase.rps / bare.rps, 4), "ratio", n)
        env.report(f"{name}.cpu_ratio_with_writes", round(bare_cpu / cpu_ms, 4), "ratio", n)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="serve the bare Litestar route the http benchmark compares with")
    parser.add_argument("--host", default=HOST)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    serve_bare(args.host, args.port)
