"""Throughput figures: the CSV catalog import, concurrent stock reservations, and those
reservations against pgbench on the same PostgreSQL server.

`catalog.import.rows_per_s`: app.domains.catalog.spreadsheet_import.import_file (as the import job calls it)
on a generated CSV of IMPORT_ROWS rows (IMPORT_ROWS / 3 products with three variants each, every
row with a quantity at the default warehouse), into an empty organisation; rows / wall seconds.

`stock.reserve.per_s`: RESERVERS tasks, each looping `stock.reserve` of one unit on a random variant
out of RESERVE_VARIANTS (seeded with bench.sync's bulk seeder: 5-120 units each at one location),
for RESERVE_SECONDS; successful reservations / wall seconds. The sync dispatcher's listener is
registered (bench.environment.start), as in the web and worker processes, so each reservation also enqueues a push.

`stock.reserve_vs_pgbench.ratio`: on PostgreSQL only, `pgbench -i` on a scratch database of the same
server, then `pgbench -c 32 -j 2 -T 10 -b simple-update -n`; ratio = reserve rate / pgbench tps
(also reported as `stock.pgbench.tps`). Skipped on SQLite.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import random
import re
import shutil
import time
from glob import glob
from urllib.parse import urlsplit

from bench import benchmark
from bench.environment import BenchEnvironment

log = logging.getLogger("bench.stock_rate")

IMPORT_ROWS = 30_000
RESERVERS = 32
RESERVE_VARIANTS = 3_000
RESERVE_SECONDS = 10.0
PGBENCH_ARGS = ["-c", "32", "-j", "2", "-T", "10", "-b", "simple-update", "-n"]
COLOURS = ["Hitam", "Putih", "Merah", "Navy", "Maroon", "Sage", "Mocca"]
SIZES = ["S", "M", "L", "XL"]


async def _tenant(env: BenchEnvironment, what: str):
    from app.core.tenancy import Actor, Tenant
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import sign_up

    email = f"{what}.{env.run_id}@example.id"
    user_id, org_id = await sign_up(SignupForm(name="Rina Marlina", organization_name=f"Toko {what.title()}",
                                               email=email, password="bench-password-42"), ip="127.0.0.1")
    return Tenant(org_id, Actor(user_id, "127.0.0.1", email))


def _csv(rows: int) -> bytes:
    from app.domains.catalog.spreadsheet_import import COLUMNS

    rng = random.Random(13)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for i in range(rows):
        product = i // 3
        cells = {"product_name": f"Kaos Polos Cotton Combed {product:05d}", "sku": f"IMP-{product:05d}-{i % 3}",
                 "colour": COLOURS[product % len(COLOURS)], "size": SIZES[i % 3], "brand": "Lokal Bench",
                 "category": "Fashion Pria", "barcode": f"899{i:010d}", "price": str(rng.randint(20, 300) * 1000),
                 "cost": str(rng.randint(10, 150) * 1000), "weight_grams": "200", "reorder_point": "5",
                 "quantity": str(rng.randint(0, 80)), "variant_name": "", "location_code": ""}
        writer.writerow([cells.get(c, "") for c in COLUMNS])
    return out.getvalue().encode()


@benchmark("catalog.import")
async def catalog_import(env: BenchEnvironment) -> None:
    """catalog.import.rows_per_s."""
    from app.domains.catalog.spreadsheet_import import import_file

    tenant = await _tenant(env, "impor")
    data = _csv(IMPORT_ROWS)
    t0 = time.perf_counter()
    result = await import_file(tenant, data, reference="bench:import")
    seconds = time.perf_counter() - t0
    log.info("import: %d rows (%d bytes) in %.1fs = %.0f rows/s, %d rows with errors", result.rows, len(data),
             seconds, result.rows / seconds, result.errors)
    if result.rows != IMPORT_ROWS or result.errors:
        raise RuntimeError(f"import: {result.rows} rows, {result.errors} errors: {result.problems[:3]}")
    env.report("catalog.import.rows_per_s", round(result.rows / seconds, 1), "rows/s", result.rows)


def _pgbench() -> str | None:
    return shutil.which("pgbench") or next(iter(sorted(glob("/usr/lib/postgresql/*/bin/pgbench"), reverse=True)),
                                           None)


async def _run(args: list[str]) -> str:
    proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    text = out.decode(errors="replace")
    if proc.returncode:
        raise RuntimeError(f"{' '.join(args[:2])} exited with {proc.returncode}:\n{text[-2000:]}")
    return text


async def _pgbench_tps(env: BenchEnvironment) -> float:
    import asyncpg

    binary = _pgbench()
    if binary is None:
        raise RuntimeError("no pgbench binary (PATH or /usr/lib/postgresql/*/bin)")
    name = f"storesync_pgbench_{env.run_id}"
    url = urlsplit(env.admin_url)._replace(path=f"/{name}").geturl()
    conn = await asyncpg.connect(env.admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        await _run([binary, "-i", "-q", url])
        out = await _run([binary, *PGBENCH_ARGS, url])
    finally:
        conn = await asyncpg.connect(env.admin_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
    match = re.search(r"tps = ([\d.]+) \((?:without initial connection time|excluding connections establishing)\)",
                      out)
    if not match:
        raise RuntimeError(f"no tps in pgbench output:\n{out[-1500:]}")
    log.info("pgbench %s: %s", " ".join(PGBENCH_ARGS),
             "; ".join(line.strip() for line in out.splitlines() if "latency average" in line or "tps" in line))
    return float(match.group(1))


@benchmark("stock.")
async def reserve_rate(env: BenchEnvironment) -> None:
    """stock.reserve.per_s, stock.pgbench.tps, stock.reserve_vs_pgbench.ratio."""
    from app.domains.inventory.errors import InsufficientStock
    from app.domains.inventory.locations import default_location
    from app.domains.inventory.stock import Line, reserve
    from bench.sync import _seed_master

    tenant = await _tenant(env, "reservasi")
    skus = [f"RSV-{i:05d}" for i in range(RESERVE_VARIANTS)]
    variant_ids = await _seed_master(tenant, skus)
    location = (await default_location(tenant))["id"]
    for v in variant_ids[:20]:  # warm-up
        await reserve(tenant, [Line(v, location, 1)], reference="bench:warm-up")

    counts = {"ok": 0, "short": 0}
    deadline = 0.0

    async def reserver(seed: int) -> None:
        rng = random.Random(seed)
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            try:
                await reserve(tenant, [Line(rng.choice(variant_ids), location, 1)],
                              reference=f"bench:r{seed}-{n}")
                counts["ok"] += 1
            except InsufficientStock:
                counts["short"] += 1

    t0 = time.perf_counter()
    deadline = t0 + RESERVE_SECONDS
    await asyncio.gather(*(reserver(i) for i in range(RESERVERS)))
    seconds = time.perf_counter() - t0
    rate = counts["ok"] / seconds
    log.info("%d concurrent reservers: %d reserved, %d short of stock in %.1fs = %.1f/s", RESERVERS, counts["ok"],
             counts["short"], seconds, rate)
    env.report("stock.reserve.per_s", round(rate, 1), "reservations/s", counts["ok"])

    if env.engine != "postgresql":
        log.warning("SQLite: stock.pgbench.tps and stock.reserve_vs_pgbench.ratio skipped (pgbench needs PostgreSQL)")
        return
    tps = await _pgbench_tps(env)
    env.report("stock.pgbench.tps", round(tps, 1), "tps", 1)
    env.report("stock.reserve_vs_pgbench.ratio", round(rate / tps, 4), "ratio", counts["ok"])
