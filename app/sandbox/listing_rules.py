"""What the emulated marketplaces check when a listing is created or edited: category trees, category
attributes, limits on titles, photos and variations, photo dimensions, and prices.

Choices (the platforms publish some limits, not all; written down so tests and adapters agree):
- Shopee (Indonesia): item_name <= 120 characters, <= 9 images, <= 2 tiers, <= 50 models, photos
  at least 500x500 px. TikTok Shop: title <= 255 characters, <= 9 main images, <= 3 sales
  attributes, <= 100 SKUs, photos at least 300x300 px. Lazada (Indonesia): name <= 255
  characters, <= 8 images, <= 2 variations, <= 50 SKUs, photos at least 330x330 px.
- All trees hold the same small Indonesian catalogue under each platform's own ids.
- Photos are PNG or JPEG; the sandbox reads their size from the file header.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Attr:
    key: int  # the attribute's number (platform ids are derived from it)
    name: str
    mandatory: bool
    values: tuple[str, ...] = ()  # empty: free text
    brand: bool = False


@dataclass(frozen=True)
class Node:
    key: int
    parent: int  # 0 at the root
    name: str
    attributes: tuple[Attr, ...] = ()


BRAND = Attr(1, "Merek", True, ("No Brand", "Erigo", "Uniqlo", "Kapal Api"), brand=True)
NODES = (
    Node(1, 0, "Pakaian Pria"),
    Node(10, 1, "Kaos", (BRAND, Attr(2, "Bahan", True, ("Katun", "Polyester", "Rayon")),
                         Attr(3, "Negara Asal", False))),
    Node(11, 1, "Kemeja", (BRAND, Attr(2, "Bahan", True, ("Katun", "Polyester", "Rayon")),
                           Attr(4, "Lengan", True, ("Pendek", "Panjang")))),
    Node(2, 0, "Makanan & Minuman"),
    Node(20, 2, "Kopi", (BRAND, Attr(5, "Masa Penyimpanan", True, ("6 Bulan", "12 Bulan", "24 Bulan")))),
    Node(21, 2, "Makanan Ringan", (BRAND,)),
)
LEAVES = {n.key for n in NODES} - {n.parent for n in NODES}


@dataclass(frozen=True)
class Limits:
    title_max: int
    images_max: int
    tiers_max: int
    variants_max: int
    image_min_px: int


SHOPEE = Limits(title_max=120, images_max=9, tiers_max=2, variants_max=50, image_min_px=500)
TIKTOK = Limits(title_max=255, images_max=9, tiers_max=3, variants_max=100, image_min_px=300)
LAZADA = Limits(title_max=255, images_max=8, tiers_max=2, variants_max=50, image_min_px=330)


def title_problem(title: object, limits: Limits) -> str | None:
    """What is wrong with a listing title (create and edit alike), None when nothing is."""
    if not isinstance(title, str) or not title.strip():
        return "is required."
    if len(title) > limits.title_max:
        return f"length must be at most {limits.title_max} characters."
    return None


def price_problem(amount: object) -> str | None:
    """What is wrong with a price as a platform receives it (a number or a decimal string)."""
    try:
        value = float(str(amount))
    except (TypeError, ValueError):
        return "must be a number."
    return None if value > 0 else "must be greater than 0."


def shopee_category_id(key: int) -> int:
    return 100_000 + key


def tiktok_category_id(key: int) -> str:
    return str(600_000 + key)


def lazada_category_id(key: int) -> int:
    return 10_000 + key


def lazada_attribute_key(attr: Attr) -> str:
    """Lazada names an attribute by a key (``brand``, ``material``) in create payloads, not by its id."""
    return "brand" if attr.brand else attr.name.lower().replace(" ", "_")


def attribute_id(key: int) -> int:
    return 100_030 + key


def value_id(attr: Attr, index: int) -> int:
    return attr.key * 1000 + index + 1


def node_by(category_id: str, to_id: Callable[[int], object]) -> Node | None:
    return next((n for n in NODES if str(to_id(n.key)) == str(category_id)), None)


def image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or JPEG, None when it is neither."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(content):
            if content[i] != 0xFF:
                return None
            marker = content[i + 1]
            length = struct.unpack(">H", content[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", content[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return None


def multipart_file(body: bytes, content_type: str, field: str) -> bytes | None:
    """The bytes of one file field of a multipart/form-data body."""
    marker = "boundary="
    if marker not in content_type:
        return None
    boundary = content_type.split(marker, 1)[1].split(";")[0].strip().strip('"').encode()
    for part in body.split(b"--" + boundary):
        head, sep, rest = part.partition(b"\r\n\r\n")
        if sep and f'name="{field}"'.encode() in head:
            return rest[:-2] if rest.endswith(b"\r\n") else rest
    return None
