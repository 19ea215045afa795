"""Demo catalog for Toko Demo: Indonesian products with variants, two warehouses, stock."""

from __future__ import annotations

import random

from faker import Faker

from app.core.tenancy import Actor, Tenant
from app.domains.catalog.schemas import ProductForm, VariantForm
from app.domains.catalog.services import create_product
from app.domains.catalog.stock_port import stock
from app.domains.catalog.tables import Variant

PRODUCTS = [
    ("Kemeja Batik Parang Lengan Panjang", "Batik Keris", "Fashion Pria", 189_000, [("Biru", "M"), ("Biru", "L"), ("Coklat", "L"), ("Coklat", "XL")]),
    ("Kaos Polos Katun Combed 30s", "Lokalku", "Fashion Pria", 45_000, [("Hitam", "M"), ("Hitam", "L"), ("Putih", "M"), ("Putih", "L"), ("Navy", "XL")]),
    ("Hijab Segi Empat Voal Motif", "Zoya", "Fashion Muslim", 65_000, [("Dusty Pink", ""), ("Sage", ""), ("Mocca", "")]),
    ("Kopi Arabika Gayo 250 gr", "Kopi Nusantara", "Makanan & Minuman", 85_000, [("Biji", ""), ("Bubuk", "")]),
    ("Sambal Bawang Pedas 200 ml", "Dapur Bunda", "Makanan & Minuman", 32_000, [("Original", ""), ("Extra Pedas", "")]),
    ("Sepatu Sneakers Kanvas", "Ventela", "Sepatu", 259_000, [("Hitam", "40"), ("Hitam", "41"), ("Hitam", "42"), ("Putih", "41")]),
    ("Tas Ransel Laptop 15 inch", "Exsport", "Tas", 329_000, [("Abu-abu", ""), ("Hitam", "")]),
    ("Madu Hutan Asli 500 gr", "Madu Borneo", "Makanan & Minuman", 120_000, [("", "")]),
    ("Sarung Tenun Samarinda", "Tenun Etam", "Fashion Pria", 210_000, [("Merah", ""), ("Hijau", "")]),
    ("Keripik Tempe Sagu 150 gr", "Camilan Malang", "Makanan & Minuman", 18_000, [("Original", ""), ("Balado", "")]),
    ("Daster Rayon Bali", "Bali Cantik", "Fashion Wanita", 55_000, [("Motif Bunga", "All Size"), ("Motif Batik", "All Size")]),
    ("Minyak Kayu Putih 60 ml", "Cap Lang", "Kesehatan", 28_000, [("", "")]),
]


def demo_sku(index: int, name: str, n: int) -> str:
    prefix = "".join(word[0] for word in name.split()[:3]).upper()
    return f"{prefix}-{index:02d}{n:02d}"


def demo_listings() -> list[tuple[str, list[tuple[str, tuple[str, ...], int]]]]:
    """The demo catalog as a marketplace lists it: (title, [(seller SKU, option labels, price)]).
    The sandbox's demo shops sell these, so importing their listings maps them by SKU."""
    listings = []
    for index, (name, _brand, _category, price, options) in enumerate(PRODUCTS, start=1):
        variants = [(demo_sku(index, name, n), tuple(x for x in (colour, size) if x),
                     price + (10_000 if size in ("XL", "42") else 0))
                    for n, (colour, size) in enumerate(options, start=1)]
        listings.append((name, variants))
    return listings


async def seed_catalog(organization_id: int, fake: Faker) -> None:
    """Idempotent: does nothing when the organisation already has products."""
    tenant = Tenant(organization_id, Actor(None, "demo"))
    if await tenant.scoped(Variant).exists():
        return
    rng = random.Random(2026)
    port = stock()
    if not await port.locations(tenant):
        await port.create_location(tenant, "Gudang Jakarta Barat", "JKT")
        await port.create_location(tenant, "Gudang Surabaya", "SBY")
    locations = await port.locations(tenant)
    for index, (name, brand, category, price, options) in enumerate(PRODUCTS, start=1):
        variants = []
        for n, (colour, size) in enumerate(options, start=1):
            attrs = {k: v for k, v in (("colour", colour), ("size", size)) if v}
            variants.append(VariantForm(
                sku=demo_sku(index, name, n), barcode=f"899{rng.randrange(10**9, 10**10)}",
                price=price + (10_000 if size in ("XL", "42") else 0), cost=int(price * 0.55),
                weight_grams=rng.choice([150, 250, 400, 800]), reorder_point=rng.choice([3, 5, 10]),
                attributes=attrs))
        await create_product(tenant, ProductForm(name=name, brand=brand, category=category,
                                                 description=fake.paragraph(nb_sentences=2), variants=variants))
    rows = await tenant.scoped(Variant).select(Variant.id, Variant.reorder_point)
    for row in rows:
        for location in locations:
            quantity = rng.choice([0, 2, 4, 8, 15, 25, 40])
            if quantity:
                await port.receive(tenant, row["id"], location.id, quantity, reason="stok awal (demo)")
