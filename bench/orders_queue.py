"""The order queue and the warehouse at a million orders: the /orders page (tabs with counts, first
pages, filters), search, a 500-order pick list and scan-to-pack, all over real HTTP against a real
`storesync serve`, next to a bare Litestar route served the same way (bench/http.py's).

Seeding (shared by the "orders." and "fulfillment." benchmarks, once per run): one organisation
(signed up through the service) selling batik, 3 stores (2 Shopee, 1 TikTok Shop, rows written
through the Store table: nothing here calls a marketplace), 2 warehouses, 1,000 products / 3,000
variants through bench.catalog's seeder, then ORDERS orders with their lines generated in Python
(Indonesian names and phones, repeat buyers, cities, couriers, order numbers in each platform's
shape, placed over DAYS days (fewer for fewer orders: ~2,700 a day either way), mostly completed, the last days' orders still open) and loaded in
bulk: COPY on PostgreSQL, executemany on SQLite. Before the load the order tables' secondary
indexes (as the migrations made them) are dropped, and they are recreated afterwards from the
same definitions, then ANALYZE; the schema ends up exactly as migrated. No order events, stock
levels or shipments are seeded: the measured pages do not read them in bulk.

Figures (sequential requests: latency, not queueing; every response checked for its page):
  orders.list.p50_ms / .p95_ms  GET /orders: all, each state tab, each store, store + state,
                                three date ranges, the second keyset page, and /orders/counts
  orders.search.p95_ms          GET /orders?q=: order numbers, customer names, phones, SKUs, a miss
  orders.list_vs_bare.ratio     bare route p50 / list p50 (sequential, so a ratio of speeds, as
                                http.page_vs_bare.ratio is)
  fulfillment.picklist_500.ms   POST /fulfillment/picklists with 500 ready orders, then GET the
                                pick list it redirects to (median of PICKLIST_ROUNDS)
  fulfillment.scan.p95_ms       POST /fulfillment/pack: an order number, then each unit's barcode
                                until the order is packed, for SCAN_ORDERS picked orders
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import httpx

from bench import benchmark
from bench.environment import BenchEnvironment, percentile
from bench.http import HOST, _free_port, _login, _stop, _wait_ready
from bench.loadgen import Session

log = logging.getLogger("bench.orders_queue")

ORDERS = 1_000_000
SQLITE_ORDERS = 100_000  # SQLite gets a tenth: its bulk load and plain LIKE scans are not what is measured
DAYS = 365
PRODUCTS = 1_000  # x 3 variants
CUSTOMERS = 150_000
CHUNK = 50_000  # orders generated and loaded at a time
LIST_ROUNDS = 10  # every list page, measured this many times (after one warm-up)
SEARCH_ROUNDS = 10
BARE_REQUESTS = 300
PICKLIST_SIZE = 500
PICKLIST_ROUNDS = 3
SCAN_ORDERS = 40
PASSWORD = "bench-password-42"

FIRST_NAMES = [
    "Budi", "Siti", "Agus", "Dewi", "Rina", "Yusuf", "Intan", "Fajar", "Putri", "Andi", "Sri", "Eko", "Wahyu",
    "Nur", "Ahmad", "Rizky", "Dian", "Indah", "Ayu", "Bayu", "Hendra", "Lestari", "Made", "Ketut", "Wayan",
    "Nyoman", "Putu", "Kadek", "Asep", "Ujang", "Cecep", "Neng", "Dedi", "Rudi", "Joko", "Bambang", "Sutrisno",
    "Yanti", "Fitri", "Nurul", "Aisyah", "Fatimah", "Muhammad", "Rahmat", "Hidayat", "Ratna", "Maya", "Citra",
    "Galih", "Tono", "Slamet", "Wulan", "Anisa", "Reza", "Dimas", "Gilang", "Kurnia", "Febri", "Oktavia", "Mega",
]
LAST_NAMES = [
    "Santoso", "Rahayu", "Wijaya", "Lestari", "Hidayat", "Permata", "Nugroho", "Saputra", "Kusuma", "Pratama",
    "Setiawan", "Gunawan", "Susanto", "Handayani", "Wibowo", "Siregar", "Nasution", "Harahap", "Simanjuntak",
    "Lubis", "Sihombing", "Pangaribuan", "Tanjung", "Manurung", "Sembiring", "Ginting", "Tarigan", "Purba",
    "Hasibuan", "Daulay", "Suryadi", "Firmansyah", "Kurniawan", "Hakim", "Syahputra", "Maulana", "Ramadhan",
    "Anggraini", "Puspita", "Sari", "Utami", "Wulandari", "Safitri", "Yulianti", "Marlina", "Aminah", "Rosdiana",
    "Sulistyo", "Prasetyo", "Hartono", "Halim", "Tanoto", "Salim", "Sugiarto", "Budiman", "Rusdi", "Effendi",
    "Simatupang", "Pohan", "Matondang",
]
CITIES = [  # (city, province, postal code prefix, share)
    ("Jakarta Selatan", "DKI Jakarta", "12", 9), ("Jakarta Timur", "DKI Jakarta", "13", 8),
    ("Jakarta Barat", "DKI Jakarta", "11", 6), ("Bekasi", "Jawa Barat", "17", 7), ("Bogor", "Jawa Barat", "16", 5),
    ("Depok", "Jawa Barat", "16", 5), ("Bandung", "Jawa Barat", "40", 7), ("Tangerang", "Banten", "15", 7),
    ("Surabaya", "Jawa Timur", "60", 7), ("Malang", "Jawa Timur", "65", 3), ("Semarang", "Jawa Tengah", "50", 4),
    ("Surakarta", "Jawa Tengah", "57", 3), ("Yogyakarta", "DI Yogyakarta", "55", 4), ("Medan", "Sumatera Utara", "20", 5),
    ("Palembang", "Sumatera Selatan", "30", 3), ("Pekanbaru", "Riau", "28", 2), ("Padang", "Sumatera Barat", "25", 2),
    ("Makassar", "Sulawesi Selatan", "90", 3), ("Denpasar", "Bali", "80", 2), ("Balikpapan", "Kalimantan Timur", "76", 1),
    ("Pontianak", "Kalimantan Barat", "78", 1), ("Manado", "Sulawesi Utara", "95", 1),
]
STREETS = ["Jl. Merdeka", "Jl. Sudirman", "Jl. Diponegoro", "Jl. Gajah Mada", "Jl. Ahmad Yani", "Jl. Pahlawan",
           "Jl. Kenanga", "Jl. Melati", "Jl. Mawar", "Jl. Cempaka", "Gg. Masjid", "Jl. Raya Bogor", "Jl. Veteran",
           "Jl. Imam Bonjol", "Jl. Hayam Wuruk", "Perum Griya Asri Blok C", "Jl. Kartini", "Jl. Pemuda"]
CARRIERS = [("SPX Express", "SPXID0", 12), ("J&T Express", "JP", 10), ("JNE Reguler", "CGK", 13),
            ("SiCepat REG", "0049", 8), ("AnterAja", "1000", 11)]
STORES = [("shopee", "Batik Laweyan Official Shop", "218834412"), ("shopee", "Laweyan Grosir", "218990035"),
          ("tiktok", "Batik Laweyan", "7494012345678901234")]
STORE_SHARE = [0.45, 0.15, 0.37]  # the rest are manual orders (WhatsApp, Instagram, the shop counter)
PLATFORM_STATUS = {
    "shopee": {"unpaid": "UNPAID", "ready_to_ship": "READY_TO_SHIP", "picking": "READY_TO_SHIP",
               "packed": "PROCESSED", "shipped": "SHIPPED", "delivered": "TO_CONFIRM_RECEIVE",
               "completed": "COMPLETED", "cancelled": "CANCELLED", "returned": "TO_RETURN"},
    "tiktok": {"unpaid": "UNPAID", "ready_to_ship": "AWAITING_SHIPMENT", "picking": "AWAITING_SHIPMENT",
               "packed": "AWAITING_COLLECTION", "shipped": "IN_TRANSIT", "delivered": "DELIVERED",
               "completed": "COMPLETED", "cancelled": "CANCELLED", "returned": "COMPLETED"},
}
# (days since placed, [(state, weight)]): new orders are open, a week later nearly all are settled.
STATE_BY_AGE = [
    (1, [("unpaid", 8), ("ready_to_ship", 60), ("picking", 5), ("packed", 10), ("shipped", 12), ("cancelled", 5)]),
    (3, [("ready_to_ship", 4), ("packed", 4), ("shipped", 62), ("delivered", 20), ("cancelled", 10)]),
    (10, [("shipped", 8), ("delivered", 30), ("completed", 52), ("cancelled", 8), ("returned", 2)]),
    (10**6, [("completed", 90), ("cancelled", 8), ("returned", 2)]),
]
STOCK_STATE = {"unpaid": "none", "ready_to_ship": "reserved", "picking": "reserved", "packed": "reserved",
               "shipped": "committed", "delivered": "committed", "completed": "committed", "returned": "committed",
               "cancelled": "released"}
OPEN = {"ready_to_ship", "picking", "packed"}

ORDER_COLUMNS = ("id", "organization", "store", "channel", "platform_order_id", "state", "platform_status",
                 "stock_state", "oversold", "has_unmapped_lines", "location", "customer_name", "customer_phone",
                 "address", "currency", "total", "cash_on_delivery", "shipping_carrier", "tracking_number", "ship_by",
                 "placed_at", "platform_updated_at", "created_at", "updated_at")
LINE_COLUMNS = ("organization", "order", "platform_item_id", "platform_model_id", "seller_sku", "title", "quantity",
                "unit_price", "variant")


@dataclass
class Queue:
    """What the benchmarks need to know about the seeded organisation."""

    organization_id: int
    user_id: int
    email: str
    store_ids: list[int]
    orders: int
    seconds: float
    samples: dict[str, str] = field(default_factory=dict)  # search terms drawn from the data


_seeded: dict[str, Queue] = {}
_seed_lock = asyncio.Lock()


# -- seeding ---------------------------------------------------------------------------------------

@dataclass
class _Customer:
    name: str
    phone: str
    address: dict


def _customers(rng: random.Random, count: int) -> list[_Customer]:
    cities = [c for c in CITIES for _ in range(c[3])]
    people = []
    for _ in range(count):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if rng.random() < 0.3:
            name = f"{name.split()[0]} {rng.choice(FIRST_NAMES)} {name.split()[1]}"
        phone = f"+628{rng.choice('1235789')}{rng.randrange(10**7, 10**9)}"
        city, province, postal, _share = rng.choice(cities)
        address = {"name": name, "phone": phone,
                   "full_address": f"{rng.choice(STREETS)} No. {rng.randint(1, 250)}, RT {rng.randint(1, 15):02d}/RW "
                                   f"{rng.randint(1, 12):02d}, {city}, {province} {postal}{rng.randint(100, 999)}",
                   "city": city, "region": province, "postal_code": f"{postal}{rng.randint(100, 999)}"}
        people.append(_Customer(name, phone, address))
    return people


def _state_for(rng: random.Random, age_days: float) -> str:
    for limit, weights in STATE_BY_AGE:
        if age_days < limit:
            pick = rng.random() * sum(w for _s, w in weights)
            for state, weight in weights:
                pick -= weight
                if pick < 0:
                    return state
            return weights[-1][0]
    raise AssertionError("unreachable")


def _order_number(channel: str, n: int, placed: datetime, manual_seq: int) -> str:
    scrambled = (n * 2654435761) % 2**32  # a bijection: numbers stay unique, and look random
    if channel == "shopee":
        return f"{placed:%y%m%d}{scrambled:08X}"
    if channel == "tiktok":
        return f"5764{(n * 2654435761) % 10**14:014d}"
    return f"M-{manual_seq:05d}"


def _generate(rng: random.Random, org: int, first_id: int, count: int, stores: list[int], locations: list[int],
              variants: list[dict], now: datetime, customers: list[_Customer]):
    """Yield (order rows, line rows) chunks of CHUNK orders; ids ascend with placed_at, as orders
    arriving in time order get them."""
    # As many orders a day whatever the count: a smaller run covers fewer days, not a quieter shop
    # (so SQLite's 100,000 still leave a few thousand open orders to pick).
    start = now - timedelta(days=max(30, DAYS * count // ORDERS))
    span = (now - start).total_seconds()
    channels = [("shopee", stores[0]), ("shopee", stores[1]), ("tiktok", stores[2])]
    weights = [*STORE_SHARE, 1 - sum(STORE_SHARE)]
    # Popular products sell far more than the rest.
    variant_weights = [1 / (1 + i) ** 0.8 for i in range(len(variants))]
    manual_seq = 0
    for chunk_start in range(0, count, CHUNK):
        orders, lines = [], []
        n_in_chunk = min(CHUNK, count - chunk_start)
        chosen = rng.choices(range(4), weights=weights, k=n_in_chunk)
        picks = rng.choices(variants, weights=variant_weights, k=n_in_chunk * 3)
        for k in range(n_in_chunk):
            n = chunk_start + k
            order_id = first_id + n
            # Orders grow over the year (t**0.85 puts more of them in recent months).
            placed = start + timedelta(seconds=span * ((n + rng.random()) / count) ** 0.85)
            age = (now - placed).total_seconds() / 86400
            state = _state_for(rng, age)
            which = chosen[k]
            if which == 3:
                channel, store = "manual", None
                manual_seq += 1
            else:
                channel, store = channels[which]
            customer = customers[int(len(customers) * rng.random() ** 1.6)]
            phone = customer.phone
            if channel == "tiktok" and state in ("completed", "cancelled", "returned") and rng.random() < 0.4:
                phone = f"(+62){phone[3:6]}******{phone[-2:]}"  # TikTok masks buyers' phones once settled
            number = _order_number(channel, n, placed, manual_seq)
            line_count = 1 if rng.random() < 0.65 else (2 if rng.random() < 0.72 else 3)
            unmapped = rng.random() < 0.004
            total = 0
            for j in range(line_count):
                v = picks[3 * k + j]
                qty = 1 if rng.random() < 0.8 else rng.randint(2, 4)
                price = v["price"] if rng.random() < 0.7 else v["price"] * rng.choice([85, 90, 95]) // 100
                total += qty * price
                mapped = not (unmapped and j == 0)
                item_id = "" if channel == "manual" else f"{(3 if channel == 'tiktok' else 2) * 10**10 + v['product']}"
                model_id = "" if channel == "manual" else f"{9 * 10**10 + v['id']}"
                lines.append((org, order_id, item_id, model_id, v["sku"] if mapped else f"LAMA-{v['sku']}",
                              v["title"], qty, price, v["id"] if mapped else None))
            carrier, tracking = "", ""
            if channel != "manual" or state not in ("unpaid", "cancelled"):
                name, prefix, digits = CARRIERS[n % len(CARRIERS)]
                carrier = name
                if state in ("shipped", "delivered", "completed", "returned"):
                    tracking = f"{prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}"
            oversold = state in OPEN and rng.random() < 0.003
            ship_by = placed + timedelta(days=2) if channel != "manual" else None
            updated = min(now, placed + timedelta(days=min(age, 9), minutes=rng.randint(5, 600)))
            platform_status = PLATFORM_STATUS.get(channel, {}).get(state, "")
            orders.append((
                order_id, org, store, channel, number, state, platform_status, STOCK_STATE[state], oversold, unmapped,
                locations[0] if rng.random() < 0.85 else locations[1], customer.name, phone,
                json.dumps({**customer.address, "phone": phone}), "IDR", total,
                channel != "manual" and rng.random() < 0.18, carrier, tracking, ship_by, placed,
                None if channel == "manual" else updated, placed, updated,
            ))
        yield orders, lines


async def _seed_rows(queue: Queue, locations: list[int], variants: list[dict], count: int) -> None:
    from app.core.clock import utcnow
    from app.core.database import is_postgres

    rng = random.Random(2026)
    now = utcnow()
    customers = _customers(rng, CUSTOMERS)
    if is_postgres():
        await _load_postgres(queue, locations, variants, count, rng, now, customers)
    else:
        await _load_sqlite(queue, locations, variants, count, rng, now, customers)


async def _postgres_conn():
    import asyncpg

    from app.settings import get_settings

    return await asyncpg.connect(get_settings().database_url)


async def _load_postgres(queue, locations, variants, count, rng, now, customers) -> None:
    conn = await _postgres_conn()
    try:
        # A bulk load as pg_restore --disable-triggers does it: the generated rows are consistent by
        # construction, so the foreign-key triggers (three checks per row) are skipped while copying.
        await conn.execute("SET synchronous_commit = off; SET maintenance_work_mem = '512MB'; "
                           "SET session_replication_role = replica")
        indexes = await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN "
            "('order', 'order_line') AND indexname NOT IN (SELECT conname FROM pg_constraint)")
        # Statistics targets set on index columns by a migration go with a dropped index: keep them.
        targets = await conn.fetch(
            "SELECT c.relname AS index, a.attnum, a.attstattarget FROM pg_attribute a JOIN pg_class c "
            "ON c.oid = a.attrelid WHERE c.relname = ANY($1::text[]) AND a.attstattarget > 0",
            [row["indexname"] for row in indexes])
        for row in indexes:
            await conn.execute(f'DROP INDEX "{row["indexname"]}"')
        first_id = await conn.fetchval('SELECT coalesce(max(id), 0) + 1 FROM "order"')
        t0 = time.monotonic()
        generated = 0
        for orders, lines in _generate(rng, queue.organization_id, first_id, count, queue.store_ids, locations,
                                       variants, now, customers):
            await conn.copy_records_to_table("order", records=orders, columns=ORDER_COLUMNS)
            await conn.copy_records_to_table("order_line", records=lines, columns=LINE_COLUMNS)
            generated += len(orders)
            if generated % 200_000 == 0:
                log.info("loaded %d orders (%.0fs)", generated, time.monotonic() - t0)
        await conn.execute("SET session_replication_role = DEFAULT")
        await conn.execute("SELECT setval(pg_get_serial_sequence('\"order\"', 'id'), (SELECT max(id) FROM \"order\"))")
        log.info("copied %d orders in %.1fs; rebuilding %d indexes", count, time.monotonic() - t0, len(indexes))
        t0 = time.monotonic()
        for row in indexes:
            began = time.monotonic()
            await conn.execute(row["indexdef"])
            log.info("  %s: %.1fs", row["indexname"], time.monotonic() - began)
        for row in targets:
            await conn.execute(f'ALTER INDEX "{row["index"]}" ALTER COLUMN {row["attnum"]} '
                               f'SET STATISTICS {row["attstattarget"]}')
        log.info("indexes rebuilt in %.1fs", time.monotonic() - t0)
        t0 = time.monotonic()
        await conn.execute('VACUUM ANALYZE "order"')
        await conn.execute("VACUUM ANALYZE order_line")
        log.info("vacuum analyze %.1fs", time.monotonic() - t0)
    finally:
        await conn.close()


async def _load_sqlite(queue, locations, variants, count, rng, now, customers) -> None:
    import sqlite3

    import piccolo.engine.sqlite  # noqa: F401 - registers the datetime adapters Piccolo stores with

    from app.settings import get_settings

    def load() -> None:
        db = sqlite3.connect(get_settings().sqlite_path, timeout=60)
        try:
            first_id = db.execute('SELECT coalesce(max(id), 0) + 1 FROM "order"').fetchone()[0]
            order_sql = (f'INSERT INTO "order" ({", ".join(f"{c!r}" for c in ORDER_COLUMNS)}) '
                         f'VALUES ({", ".join("?" * len(ORDER_COLUMNS))})').replace("'", '"')
            line_sql = (f'INSERT INTO order_line ({", ".join(f"{c!r}" for c in LINE_COLUMNS)}) '
                        f'VALUES ({", ".join("?" * len(LINE_COLUMNS))})').replace("'", '"')
            for orders, lines in _generate(rng, queue.organization_id, first_id, count, queue.store_ids, locations,
                                           variants, now, customers):
                with db:
                    db.executemany(order_sql, orders)
                    db.executemany(line_sql, lines)
        finally:
            db.close()

    await asyncio.to_thread(load)


async def seeded_queue(env: BenchEnvironment) -> Queue:
    """The run's order queue, seeded on first use."""
    async with _seed_lock:
        if "queue" in _seeded:
            return _seeded["queue"]
        from app.core.database import is_postgres
        from app.core.tenancy import Actor, Tenant
        from app.domains.accounts.schemas import SignupForm
        from app.domains.accounts.services import sign_up
        from app.domains.catalog.tables import Variant
        from app.domains.inventory.locations import create_location, default_location
        from app.domains.stores.tables import Store
        from bench.catalog import _seed_catalog

        began = time.monotonic()
        email = f"orders.{env.run_id}@example.id"
        user_id, org_id = await sign_up(SignupForm(name="Dewi Lestari", organization_name="Batik Laweyan",
                                                   email=email, password=PASSWORD), ip=HOST)
        tenant = Tenant(org_id, Actor(user_id, HOST, email))
        store_ids = []
        for platform, name, shop_id in STORES:
            store = tenant.scoped(Store).new(platform=platform, name=name, platform_shop_id=shop_id, region="ID",
                                             seller_name="Dewi Lestari", connected_by=user_id)
            await store.save()
            store_ids.append(store.id)
        locations = [(await default_location(tenant))["id"],
                     (await create_location(tenant, "Gudang Surabaya", "SBY"))["id"]]
        await _seed_catalog(tenant, PRODUCTS, float("inf"))
        variants = await tenant.scoped(Variant).select(
            Variant.id, Variant.product, Variant.sku, Variant.price, Variant.name,
            Variant.product.name.as_alias("product_name")).order_by(Variant.id)
        for v in variants:
            v["title"] = f"{v['product_name']} - {v['name']}"[:255]
        queue = Queue(org_id, user_id, email, store_ids, SQLITE_ORDERS if not is_postgres() else ORDERS, 0.0)
        t0 = time.monotonic()
        await _seed_rows(queue, locations, variants, queue.orders)
        log.info("orders: %d in %.1fs", queue.orders, time.monotonic() - t0)
        queue.seconds = time.monotonic() - began
        queue.samples = await _samples(org_id)
        log.info("seeded the order queue (%d orders, %d stores) in %.1fs; samples %s", queue.orders, len(store_ids),
                 queue.seconds, queue.samples)
        _seeded["queue"] = queue
        return queue


async def _samples(org_id: int) -> dict[str, str]:
    """Search terms and ids taken from the seeded rows, as a seller would type them."""
    from app.domains.orders.tables import Order

    def one(sql: str, *args):
        return Order.raw(sql, *args)

    first, last = (await one('SELECT min(id) AS lo, max(id) AS hi FROM "order" WHERE organization = {}', org_id))[0].values()
    span = last - first
    samples: dict[str, str] = {}
    # An old Shopee order, a recent TikTok order, a repeat customer and a phone, a popular and a rare SKU.
    rows = await one('SELECT platform_order_id FROM "order" WHERE organization = {} AND channel = {} AND id >= {} '
                     'ORDER BY id LIMIT 1', org_id, "shopee", first + span // 5)
    samples["shopee_number"] = rows[0]["platform_order_id"]
    rows = await one('SELECT platform_order_id FROM "order" WHERE organization = {} AND channel = {} AND id >= {} '
                     'ORDER BY id LIMIT 1', org_id, "tiktok", first + span * 9 // 10)
    samples["tiktok_number"] = rows[0]["platform_order_id"]
    rows = await one('SELECT customer_name, customer_phone FROM "order" WHERE organization = {} AND id >= {} '
                     "AND customer_phone LIKE {} ORDER BY id LIMIT 1", org_id, first + span // 2, "+62%")
    samples["name"] = rows[0]["customer_name"]
    samples["phone"] = rows[0]["customer_phone"]
    rows = await one("SELECT seller_sku, count(*) AS n FROM order_line WHERE organization = {} AND \"order\" >= {} "
                     "AND variant IS NOT NULL GROUP BY seller_sku ORDER BY n DESC, seller_sku LIMIT 1", org_id,
                     last - 20_000)
    samples["popular_sku"] = rows[0]["seller_sku"]
    rows = await one("SELECT seller_sku, count(*) AS n FROM order_line WHERE organization = {} AND \"order\" >= {} "
                     "AND variant IS NOT NULL GROUP BY seller_sku ORDER BY n, seller_sku LIMIT 1", org_id,
                     last - 20_000)
    samples["rare_sku"] = rows[0]["seller_sku"]
    return samples


# -- measuring -------------------------------------------------------------------------------------

@dataclass
class _Server:
    env: BenchEnvironment
    app_port: int = 0
    bare_port: int = 0

    async def __aenter__(self) -> _Server:
        self.app_port, self.bare_port = _free_port(), _free_port()
        self._app = self.env.spawn(["-m", "app.cli", "serve", "--host", HOST, "--port", str(self.app_port)],
                                   "orders-app-server")
        self._bare = self.env.spawn(["-m", "bench.http", "--host", HOST, "--port", str(self.bare_port)],
                                    "orders-bare-server")
        try:
            await _wait_ready(self.env, self._app, f"http://{HOST}:{self.app_port}/login", "orders-app-server")
            await _wait_ready(self.env, self._bare, f"http://{HOST}:{self.bare_port}/", "orders-bare-server")
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def __aexit__(self, *exc) -> None:
        _stop(self._app)
        _stop(self._bare)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.app_port}"


async def _sequential(sessions: list[Session], rounds: int) -> tuple[list[float], dict[str, list[float]]]:
    """Every session's GET once as a warm-up, then `rounds` rounds of each in turn; latencies (s).
    Each request opens its connection first (not timed): a slow round would leave the others idle
    past uvicorn's keep-alive timeout."""
    for session in sessions:
        await session.get()
        await session.close()
    everything: list[float] = []
    per_path: dict[str, list[float]] = {s.path: [] for s in sessions}
    for _ in range(rounds):
        for session in sessions:
            latency = await session.get()
            await session.close()
            everything.append(latency)
            per_path[session.path].append(latency)
    return everything, per_path


def _log_paths(what: str, per_path: dict[str, list[float]]) -> None:
    for path, values in per_path.items():
        log.info("%s %-70s p50 %6.1f ms  max %6.1f ms", what, path[:70], 1000 * statistics.median(values),
                 1000 * max(values))


async def _bare_p50(server: _Server) -> float:
    session = Session(HOST, server.bare_port, "/", expect=b"ok")
    try:
        latencies, _ = await _sequential([session], BARE_REQUESTS)
    finally:
        await session.close()
    return statistics.median(latencies)


def _warn_if_busy(what: str) -> None:
    import os

    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    if load > cores:
        log.warning("%s: load average %.1f on %d cores; other work on this machine will skew the figures",
                    what, load, cores)


@benchmark("orders.")
async def order_queue(env: BenchEnvironment) -> None:
    """orders.list.p50_ms / .p95_ms, orders.search.p95_ms, orders.list_vs_bare.ratio."""
    from urllib.parse import quote

    from app.domains.orders.statuses import OrderState

    queue = await seeded_queue(env)
    async with _Server(env) as server:
        cookies = await _login(server.base_url, queue.email)
        today = datetime.now(UTC).date()
        second_page = (await _raw('SELECT id FROM "order" WHERE organization = {} ORDER BY id DESC LIMIT 1 OFFSET 49',
                                  queue.organization_id))[0]["id"]
        paths = ["/orders", f"/orders?after={second_page}", "/orders/counts"]
        paths += [f"/orders?state={s.value}" for s in OrderState]
        paths += [f"/orders?store={store_id}" for store_id in queue.store_ids]
        paths += [f"/orders?store={queue.store_ids[0]}&state=shipped", "/orders?oversold=true"]
        paths += [_dates(today - timedelta(days=6), today), _dates(today - timedelta(days=120), today - timedelta(days=90)),
                  _dates(today - timedelta(days=200), today - timedelta(days=200)),
                  _dates(today - timedelta(days=30), today) + f"&store={queue.store_ids[2]}&state=completed"]
        sessions = [Session(HOST, server.app_port, p, cookies,
                            expect=b'id="order-tabs"' if p.startswith("/orders/counts") else b'id="order-queue"')
                    for p in paths]
        s = queue.samples
        terms = [(s["shopee_number"], s["shopee_number"]), (s["tiktok_number"], s["tiktok_number"]),
                 (s["shopee_number"][:8].lower(), ""), (s["name"], s["name"]), (s["name"].split()[0].lower(), ""),
                 (s["phone"], s["name"]), (s["phone"][-9:], s["name"]), (s["popular_sku"].lower(), ""),
                 (s["rare_sku"], ""), ("tidak-ada-pesanan-ini", "")]
        search_sessions = [Session(HOST, server.app_port, f"/orders?q={quote(term)}", cookies,
                                   expect=(hit or 'id="order-queue"').encode()) for term, hit in terms]
        try:
            _warn_if_busy("order list")
            began = time.perf_counter()
            listed, per_list = await _sequential(sessions, LIST_ROUNDS)
            log.info("list: %d requests in %.1fs", len(listed), time.perf_counter() - began)
            _log_paths("list", per_list)
            began = time.perf_counter()
            searched, per_term = await _sequential(search_sessions, SEARCH_ROUNDS)
            log.info("search: %d requests in %.1fs", len(searched), time.perf_counter() - began)
            _log_paths("search", per_term)
            bare = await _bare_p50(server)
        finally:
            for session in [*sessions, *search_sessions]:
                await session.close()
    list_p50 = statistics.median(listed)
    env.report("orders.list.p50_ms", round(1000 * list_p50, 2), "ms", len(listed))
    env.report("orders.list.p95_ms", round(1000 * percentile(listed, 95), 2), "ms", len(listed))
    env.report("orders.search.p95_ms", round(1000 * percentile(searched, 95), 2), "ms", len(searched))
    env.report("orders.list_vs_bare.ratio", round(bare / list_p50, 4), "ratio", len(listed))
    log.info("bare route p50 %.2f ms", 1000 * bare)


def _dates(since: date, until: date) -> str:
    return f"/orders?from={since.isoformat()}&to={until.isoformat()}"


async def _raw(sql: str, *args):
    from app.domains.orders.tables import Order

    return await Order.raw(sql, *args)


@benchmark("fulfillment.")
async def warehouse(env: BenchEnvironment) -> None:
    """fulfillment.picklist_500.ms and fulfillment.scan.p95_ms."""
    from app.core.tenancy import Actor, Tenant
    from app.domains.fulfillment import picking

    queue = await seeded_queue(env)
    tenant = Tenant(queue.organization_id, Actor(queue.user_id, HOST, queue.email))
    ready = [o for o in await picking.ready_orders(tenant, limit=PICKLIST_SIZE * PICKLIST_ROUNDS * 2)
             if not o["oversold"] and not o["has_unmapped_lines"]]
    rounds = min(PICKLIST_ROUNDS, len(ready) // PICKLIST_SIZE)
    if rounds < 1:
        raise RuntimeError(f"only {len(ready)} orders ready to pick")
    async with _Server(env) as server:
        cookies = await _login(server.base_url, queue.email)
        async with httpx.AsyncClient(base_url=server.base_url, cookies=cookies, timeout=60) as client:
            headers = {"x-csrftoken": cookies["ss_csrf"]}
            _warn_if_busy("pick lists")
            pick_ms, pick_lists = [], []
            for r in range(rounds):
                batch = ready[r * PICKLIST_SIZE:(r + 1) * PICKLIST_SIZE]
                began = time.perf_counter()
                created = await client.post("/fulfillment/picklists", headers=headers,
                                            data={"order_id": [str(o["id"]) for o in batch]})
                if created.status_code != 303:
                    raise RuntimeError(f"pick list: {created.status_code} {created.text[:300]}")
                page = await client.get(created.headers["location"])
                elapsed = time.perf_counter() - began
                if page.status_code != 200 or f"{PICKLIST_SIZE} orders" not in page.text:
                    raise RuntimeError(f"pick list page: {page.status_code} {page.text[:300]}")
                pick_ms.append(1000 * elapsed)
                pick_lists.append(batch)
                log.info("pick list of %d orders: %.0f ms (%d bytes)", len(batch), 1000 * elapsed, len(page.content))
            scans = await _scan_orders(client, headers, tenant, pick_lists[0][:SCAN_ORDERS])
    env.report("fulfillment.picklist_500.ms", round(statistics.median(pick_ms), 1), "ms", len(pick_ms))
    env.report("fulfillment.scan.p95_ms", round(percentile(scans, 95), 2), "ms", len(scans))


async def _scan_orders(client: httpx.AsyncClient, headers: dict[str, str], tenant, orders: list[dict]) -> list[float]:
    """Pack each order at the bench: its number, then every unit's barcode; latencies in ms."""
    from app.domains.orders.tables import Order, OrderLine

    headers = {**headers, "HX-Request": "true", "HX-Target": "pack-screen"}
    latencies: list[float] = []
    _warn_if_busy("scan to pack")
    for order in orders:
        lines = await tenant.scoped(OrderLine).select(OrderLine.quantity, OrderLine.variant.barcode.as_alias("barcode")).where(
            OrderLine.order == order["id"])
        codes = [order["platform_order_id"]] + [line["barcode"] for line in lines for _ in range(line["quantity"])]
        for code in codes:
            data = {"code": code} if code == order["platform_order_id"] else {"code": code, "order_id": str(order["id"])}
            began = time.perf_counter()
            response = await client.post("/fulfillment/pack", headers=headers, data=data)
            latencies.append(1000 * (time.perf_counter() - began))
            if response.status_code != 200:
                raise RuntimeError(f"scan {code} of {order['platform_order_id']}: {response.status_code} "
                                   f"{response.text[:300]}")
        state = await tenant.scoped(Order).select(Order.state).where(Order.id == order["id"]).first()
        if state["state"] != "packed":
            raise RuntimeError(f"{order['platform_order_id']} is {state['state']} after every unit was scanned")
    log.info("scan to pack: %d orders, %d scans, p50 %.1f ms, p95 %.1f ms, max %.1f ms", len(orders), len(latencies),
             statistics.median(latencies), percentile(latencies, 95), max(latencies))
    return latencies
