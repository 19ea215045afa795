"""Catalog search (services.search_variants): words, short words, keyset pages, and on PostgreSQL
the two steps (newest variants in id order first, then the indexes for older ones)."""

from __future__ import annotations

import pytest

from app.core.database import is_postgres
from app.domains.catalog import services
from app.domains.catalog.schemas import ProductForm, VariantForm
from app.domains.catalog.services import create_product, search_variants
from app.domains.catalog.tables import Variant
from tests.inventory.factories import make_tenant
from tests.support import unique


async def _product(tenant, name: str, *sizes: str, brand: str = "Lokal") -> list[str]:
    prefix = unique("S-").upper()
    await create_product(tenant, ProductForm(name=name, brand=brand, category="Fashion", variants=[
        VariantForm(sku=f"{prefix}-{size}", price=100_000, attributes={"size": size}) for size in sizes]))
    return [f"{prefix}-{size}" for size in sizes]


def _skus(page) -> list[str]:
    return [r["sku"] for r in page.rows]


async def test_every_word_must_match_and_short_words_match_the_start_of_a_word():
    tenant = await make_tenant()
    shirt = await _product(tenant, "Kaos Polos Hitam", "L", "XL", "XXL")
    shoe = await _product(tenant, "Sepatu Sneakers", "42", "142")
    assert set(_skus(await search_variants(tenant, "kaos"))) == set(shirt)
    assert _skus(await search_variants(tenant, "kaos xl")) == [shirt[1]]  # not XXL
    assert _skus(await search_variants(tenant, "xxl")) == [shirt[2]]
    assert _skus(await search_variants(tenant, "sepatu 42")) == [shoe[0]]  # not 142
    assert _skus(await search_variants(tenant, "hitam sepatu")) == []
    assert _skus(await search_variants(tenant, shoe[1].lower())) == [shoe[1]]
    row = (await search_variants(tenant, "sneakers 42")).rows[0]
    assert (row["product_name"], row["brand"], row["category"]) == ("Sepatu Sneakers", "Lokal", "Fashion")


async def test_words_of_three_letters_or_more_match_inside_words_on_postgres():
    if not is_postgres():
        pytest.skip("SQLite's FTS5 matches the start of words only")
    tenant = await make_tenant()
    shirt = await _product(tenant, "Kaos Polos", "M")
    assert _skus(await search_variants(tenant, "olos")) == shirt
    assert _skus(await search_variants(tenant, shirt[0][2:].lower())) == shirt  # the middle of a SKU


async def test_another_organisations_variants_never_match():
    mine, theirs = await make_tenant(), await make_tenant()
    await _product(theirs, "Kaos Polos Hitam", "L")
    assert (await search_variants(mine, "kaos")).rows == []
    assert (await search_variants(mine, "l")).rows == []


@pytest.mark.parametrize("window", [2, 5, 1_000])
async def test_pages_are_newest_first_whether_matches_are_recent_old_or_both(monkeypatch, window):
    """A small window makes the older step run: matches only old, only new, and on both sides."""
    monkeypatch.setattr(services, "SEARCH_WINDOW", window)
    tenant = await make_tenant()
    old = await _product(tenant, "Madu Hutan", "S", "M", "L")
    await _product(tenant, "Tumbler Stainless", "S", "M", "L", "XL")
    new = await _product(tenant, "Madu Hutan Murni", "S", "M")
    expected = [r["sku"] for r in await Variant.select(Variant.sku).where(
        (Variant.organization == tenant.organization_id) & Variant.sku.is_in(old + new)).order_by(
        Variant.id, ascending=False)]
    seen, after = [], None
    while True:
        page = await search_variants(tenant, "madu", after=after, limit=2)
        seen += _skus(page)
        after = page.next_after
        if after is None:
            break
    assert seen == expected
    assert _skus(await search_variants(tenant, "tumbler xl", limit=2)) == [s for s in _skus(
        await search_variants(tenant, "tumbler")) if s.endswith("-XL")]
    await Variant.update({Variant.archived: True}).where(Variant.sku == new[0])
    assert new[0] not in _skus(await search_variants(tenant, "madu"))
    assert new[0] in _skus(await search_variants(tenant, "madu", include_archived=True))
    assert _skus(await search_variants(tenant, "madu", brand="Lain")) == []
