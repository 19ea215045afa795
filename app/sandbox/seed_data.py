"""Realistic Indonesian catalog and order data for the sandbox (Faker, locale id_ID)."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

from faker import Faker

# (product noun, variant tiers it is sold in, price range in rupiah)
PRODUCTS = [
    ("Kaos Polos Cotton Combed 30s", ("Warna", "Ukuran"), (35_000, 89_000)),
    ("Kemeja Batik Pria Lengan Panjang", ("Motif", "Ukuran"), (95_000, 285_000)),
    ("Hijab Segi Empat Voal", ("Warna",), (25_000, 75_000)),
    ("Gamis Syari Wanita", ("Warna", "Ukuran"), (120_000, 350_000)),
    ("Sepatu Sneakers Casual", ("Warna", "Ukuran Sepatu"), (149_000, 450_000)),
    ("Tas Selempang Kanvas", ("Warna",), (45_000, 135_000)),
    ("Kopi Arabika Gayo 250gr", ("Gilingan",), (65_000, 120_000)),
    ("Sambal Bawang Pedas Botol", (), (18_000, 35_000)),
    ("Keripik Singkong Balado 500gr", (), (22_000, 40_000)),
    ("Madu Hutan Murni 500ml", (), (85_000, 160_000)),
    ("Celana Jeans Slim Fit", ("Warna", "Ukuran Celana"), (110_000, 260_000)),
    ("Jaket Hoodie Fleece", ("Warna", "Ukuran"), (99_000, 230_000)),
    ("Sandal Jepit Karet", ("Ukuran Sepatu",), (15_000, 45_000)),
    ("Tumbler Stainless 500ml", ("Warna",), (55_000, 140_000)),
    ("Mukena Katun Rayon", ("Warna",), (130_000, 320_000)),
    ("Sarung Tenun Samarinda", ("Motif",), (150_000, 400_000)),
    ("Casing HP Silikon", ("Tipe HP",), (15_000, 50_000)),
    ("Rendang Daging Kemasan 250gr", (), (75_000, 130_000)),
]

ADJECTIVES = ["Premium", "Original", "Terlaris", "Murah", "Best Seller", "Kualitas Ekspor", "Grosir", "Baru"]

TIER_OPTIONS = {
    "Warna": ["Hitam", "Putih", "Merah", "Navy", "Maroon", "Abu-abu", "Sage", "Mocca"],
    "Ukuran": ["S", "M", "L", "XL", "XXL"],
    "Ukuran Sepatu": ["38", "39", "40", "41", "42", "43"],
    "Ukuran Celana": ["28", "30", "32", "34", "36"],
    "Motif": ["Parang", "Kawung", "Mega Mendung", "Truntum"],
    "Gilingan": ["Biji", "Bubuk Halus", "Bubuk Kasar"],
    "Tipe HP": ["Samsung A15", "Redmi 13C", "iPhone 13", "Oppo A58"],
}

CARRIERS = ["J&T Express", "SiCepat REG", "JNE Reguler", "AnterAja", "SPX Standard", "Ninja Xpress"]
PAYMENT_METHODS = ["COD", "ShopeePay", "Transfer Bank BCA", "Virtual Account Mandiri", "OVO", "GoPay", "DANA"]


@dataclass(frozen=True)
class GeneratedVariant:
    label: tuple[str, ...]
    tier_index: tuple[int, ...]
    price: int
    stock: int


@dataclass(frozen=True)
class GeneratedProduct:
    title: str
    sku_base: str
    tiers: tuple[tuple[str, tuple[str, ...]], ...]
    variants: tuple[GeneratedVariant, ...]


class SeedData:
    """Deterministic for a given seed, so tests and demos see the same shops every run."""

    def __init__(self, seed: int | None = None) -> None:
        self.faker = Faker("id_ID")
        self.rng = random.Random(seed)
        if seed is not None:
            self.faker.seed_instance(seed)

    def product(self) -> GeneratedProduct:
        noun, tier_names, (low, high) = self.rng.choice(PRODUCTS)
        title = f"{noun} {self.rng.choice(ADJECTIVES)}"
        base_price = self.rng.randrange(low, high, 500)
        tiers = []
        for name in tier_names:
            options = TIER_OPTIONS[name]
            tiers.append((name, tuple(self.rng.sample(options, k=min(len(options), self.rng.randint(2, 3))))))
        combos: list[tuple[int, ...]] = [()]
        for _, choices in tiers:
            combos = [c + (i,) for c in combos for i in range(len(choices))]
        variants = []
        for combo in combos:
            label = tuple(tiers[t][1][i] for t, i in enumerate(combo))
            # Bigger sizes cost a little more, as sellers commonly price them.
            price = base_price + 5_000 * (combo[-1] if combo and len(tiers[-1][1]) > 3 else 0)
            variants.append(GeneratedVariant(label, combo, price, self.rng.randint(0, 120)))
        sku_base = "".join(w[0] for w in noun.split()[:3]).upper() + "-" + "".join(
            self.rng.choices(string.digits, k=4))
        return GeneratedProduct(title, sku_base, tuple(tiers), tuple(variants))

    def phone(self) -> str:
        digits = "".join(self.rng.choices(string.digits, k=9))
        return f"+628{self.rng.choice('1235789')}{digits}"

    def recipient(self) -> dict[str, str]:
        city = self.faker.city()
        return {
            "name": self.faker.name(),
            "phone": self.phone(),
            "full_address": f"{self.faker.street_address()}, {city}, {self.faker.state()} {self.faker.postcode()}",
            "city": city,
            "state": self.faker.state(),
            "zipcode": self.faker.postcode(),
        }

    def username(self) -> str:
        return self.faker.user_name()

    def shop_name(self) -> str:
        return f"{self.rng.choice(['Toko', 'Butik', 'Warung', 'Gudang', 'Rumah'])} {self.faker.first_name()} " \
               f"{self.rng.choice(['Official', 'Store', 'Shop', 'Collection', 'Grosir'])}"

    def carrier(self) -> str:
        return self.rng.choice(CARRIERS)

    def payment_method(self) -> str:
        return self.rng.choice(PAYMENT_METHODS)

    def digits(self, n: int) -> str:
        return str(self.rng.randint(1, 9)) + "".join(self.rng.choices(string.digits, k=n - 1))

    def letters(self, n: int) -> str:
        return "".join(self.rng.choices(string.ascii_uppercase + string.digits, k=n))
