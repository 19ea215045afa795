"""The bulk parcel-size screen: every row posted as the browser does, saved in one go or not at all."""

from __future__ import annotations

from app.core.tenancy import Tenant
from app.domains.audit.tables import AuditEntry
from app.domains.catalog.tables import Variant
from tests.support import add_member, http_client, login, make_account, post, unique


async def _product(client, *skus: str) -> list[int]:
    data = {"name": unique("Kardus "), "brand": "", "category": "", "description": ""}
    for i, sku in enumerate(skus):
        data |= {f"variants-{i}-sku": sku, f"variants-{i}-price": "1000", f"variants-{i}-weight_grams": "100",
                 f"variants-{i}-length_cm": "1", f"variants-{i}-width_cm": "2", f"variants-{i}-height_cm": "3"}
    made = await post(client, "/products", data)
    assert made.status_code in (200, 303), made.text[:300]
    return [r["id"] for r in await Variant.select(Variant.id).where(Variant.sku.is_in(list(skus))).order_by(Variant.sku)]


def _form(page_rows: dict[int, tuple[str, str, str, str]]) -> dict[str, str]:
    data = {"q": ""}
    for vid, (w, ln, wd, h) in page_rows.items():
        data |= {f"weight_{vid}": w, f"length_{vid}": ln, f"width_{vid}": wd, f"height_{vid}": h}
    return data


async def _sizes(vid: int) -> tuple:
    row = await Variant.select(Variant.weight_grams, Variant.length_cm, Variant.width_cm, Variant.height_cm).where(
        Variant.id == vid).first()
    return tuple(row.values())


async def test_bulk_edit_saves_all_rows_or_none(owner_client, app):
    a_sku, b_sku = unique("PA-").upper(), unique("PB-").upper()
    a, b = await _product(owner_client, a_sku, b_sku)
    page = await owner_client.get("/catalog/parcel-sizes", params={"q": ""})
    assert page.status_code == 200 and a_sku in page.text and f'name="weight_{a}"' in page.text
    assert a_sku in (await owner_client.get("/catalog/parcel-sizes", params={"q": a_sku.lower()})).text
    assert b_sku not in (await owner_client.get("/catalog/parcel-sizes", params={"q": a_sku})).text
    assert "/catalog/parcel-sizes" in (await owner_client.get("/products")).text

    junk = await post(owner_client, "/catalog/parcel-sizes",
                      _form({a: ("500", "10", "20", "30"), b: ("250", "tinggi", "", "")}))
    assert junk.status_code == 422 and f'name="length_{b}"' in junk.text and 'aria-invalid="true"' in junk.text
    assert await _sizes(a) == (100, 1, 2, 3) and await _sizes(b) == (100, 1, 2, 3)
    too_big = await post(owner_client, "/catalog/parcel-sizes", _form({a: ("1000001", "1", "2", "3")}))
    assert too_big.status_code == 422 and await _sizes(a) == (100, 1, 2, 3)

    other = await make_account()
    async with http_client(app) as stranger:
        await login(stranger, other)
        foreign = await _product(stranger, unique("PF-").upper())
    audits = await AuditEntry.count().where(AuditEntry.action == "variant.parcel_sizes")
    ok = await post(owner_client, "/catalog/parcel-sizes",
                    _form({a: ("500", "10", "20", "30"), b: ("", "", "", ""), foreign[0]: ("9", "9", "9", "9")}))
    assert ok.status_code == 200, ok.text[:300]
    assert await _sizes(a) == (500, 10, 20, 30) and await _sizes(b) == (0, 0, 0, 0)
    assert await _sizes(foreign[0]) == (100, 1, 2, 3)
    entry = await AuditEntry.select(AuditEntry.after, AuditEntry.organization).where(
        AuditEntry.action == "variant.parcel_sizes").order_by(AuditEntry.id, ascending=False).first().output(
        load_json=True)
    assert await AuditEntry.count().where(AuditEntry.action == "variant.parcel_sizes") == audits + 1
    assert entry["after"]["changed"] == 2 and entry["organization"] == Tenant(owner_client.account.org_id).organization_id


async def test_member_without_catalog_rights_is_refused(app):
    account = await make_account()
    staff = await add_member(account.org_id, "warehouse")
    async with http_client(app) as client:
        await login(client, account)
        (vid,) = await _product(client, unique("PW-").upper())
    async with http_client(app) as client:
        await login(client, staff)
        response = await post(client, "/catalog/parcel-sizes", _form({vid: ("9", "9", "9", "9")}), htmx=True)
        assert response.status_code == 403 and await _sizes(vid) == (100, 1, 2, 3)


async def test_the_page_looks_like_the_others_and_unknown_sizes_are_empty(owner_client):
    """Plain browser buttons, SKUs broken at their hyphen and '0' in fields the page calls
    'empty means unknown' before."""
    sku = unique("PZ-").upper()
    [vid] = await _product(owner_client, sku)
    await post(owner_client, "/catalog/parcel-sizes", _form({vid: ("250", "", "", "")}))
    page = (await owner_client.get("/catalog/parcel-sizes", params={"q": sku})).text
    assert '<button class="button" type="submit">' in page and '<button class="button primary" type="submit">' in page
    assert f'<td class="sku mono">{sku}</td>' in page
    assert f'name="weight_{vid}" inputmode="numeric" size="6" value="250"' in page
    assert f'name="length_{vid}" inputmode="numeric" size="6" value=""' in page


async def test_pages_past_the_first_and_only_unknown_sizes(owner_client, monkeypatch):
    """More variants than a page: the next page shows the rest, a save keeps its page and filters,
    and "Only sizes still unknown" leaves out variants whose sizes are all known."""
    from app.domains.catalog import parcel_bulk

    monkeypatch.setattr(parcel_bulk, "PAGE_SIZE", 2)
    prefix = unique("PP").upper()
    ids = await _product(owner_client, *(f"{prefix}-{i}" for i in range(5)))
    first = await owner_client.get("/catalog/parcel-sizes", params={"q": prefix, "missing": "", "page": ""})
    assert first.status_code == 200 and f'name="weight_{ids[0]}"' in first.text
    assert f'name="weight_{ids[2]}"' not in first.text and "page=2" in first.text and "page=0" not in first.text
    third = await owner_client.get("/catalog/parcel-sizes", params={"q": prefix, "missing": "", "page": "3"})
    assert f'name="weight_{ids[4]}"' in third.text and f'name="weight_{ids[0]}"' not in third.text
    assert "page=2" in third.text and "page=4" not in third.text
    junk = await owner_client.get("/catalog/parcel-sizes", params={"q": prefix, "missing": "", "page": "-x"})
    assert junk.status_code == 200 and f'name="weight_{ids[0]}"' in junk.text

    saved = await post(owner_client, "/catalog/parcel-sizes",
                       {**_form({ids[2]: ("0", "5", "5", "5"), ids[3]: ("300", "", "", "")}),
                        "q": prefix, "missing": "", "page": "2"})
    assert saved.status_code == 200 and f'name="weight_{ids[2]}"' in saved.text and 'value="2"' in saved.text
    assert await _sizes(ids[2]) == (0, 5, 5, 5)
    unknown = await owner_client.get("/catalog/parcel-sizes", params={"q": prefix, "missing": "1", "page": ""})
    assert f'name="weight_{ids[2]}"' in unknown.text and f'name="weight_{ids[3]}"' in unknown.text
    assert f'name="weight_{ids[0]}"' not in unknown.text and 'name="missing" value="1" checked' in unknown.text
