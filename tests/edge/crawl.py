"""What the crawler and the fuzzer share: a seeded organisation with one person per role, an HTML
reader that finds links and forms, and forms serialised exactly as a browser sends them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from app.core.tenancy import Tenant
from tests.support import Account, add_member, make_account

ROLES = ("owner", "admin", "member", "warehouse", "viewer")
# Never followed: leaving the app, ending the session, the superusers' admin, the emulator.
SKIPPED = re.compile(r"^/(logout|admin|static|sandbox|media)(/|$)|^/language$")


@dataclass
class Field:
    name: str
    kind: str  # text, hidden, checkbox, radio, select, textarea, submit, file, number, date, ...
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    page: str
    method: str
    action: str
    enctype: str
    fields: list[Field] = field(default_factory=list)
    htmx: bool = False

    def defaults(self) -> list[tuple[str, str]]:
        """The pairs a browser sends when the form is submitted untouched (its first submit button)."""
        pairs: list[tuple[str, str]] = []
        submitted = False
        for f in self.fields:
            if f.kind in ("checkbox", "radio"):
                if f.checked:
                    pairs.append((f.name, f.value or "on"))
            elif f.kind == "select":
                pairs.append((f.name, f.value or ""))
            elif f.kind in ("submit", "button", "image"):
                if not submitted and f.kind != "button":
                    submitted = True
                    if f.name:
                        pairs.append((f.name, f.value))
            elif f.kind in ("reset",):
                continue
            elif f.kind == "file":
                continue  # sent as an empty file part, which handlers treat as "no file"
            else:
                pairs.append((f.name, f.value))
        return [(k, v) for k, v in pairs if k]

    def editable(self) -> list[Field]:
        return [f for f in self.fields if f.name and f.kind not in ("submit", "button", "image", "reset", "file")]


class PageReader(HTMLParser):
    """Links (href and hx-get) and forms of one HTML page."""

    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[tuple[str, bool]] = []  # (url, is_htmx)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            hx = next(((m, a[f"hx-{m}"]) for m in ("post", "get", "put", "patch", "delete") if a.get(f"hx-{m}")), None)
            method, action = (hx[0], hx[1]) if hx else (a.get("method", "get").lower(), a.get("action") or self.url)
            self._form = Form(self.url, method.upper(), urljoin(self.url, action or self.url),
                              a.get("enctype", "application/x-www-form-urlencoded"), htmx=bool(hx))
            self.forms.append(self._form)
            return
        if tag in ("a", "link") and a.get("href") and tag == "a":
            self.links.append((urljoin(self.url, a["href"]), False))
        if a.get("hx-get") and tag != "form":
            self.links.append((urljoin(self.url, a["hx-get"]), True))
        form = self._form
        if form is None:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            form.fields.append(Field(a.get("name", ""), kind, a.get("value", "on" if kind in ("checkbox", "radio") else ""),
                                     checked="checked" in a))
        elif tag == "button":
            kind = a.get("type", "submit").lower()
            form.fields.append(Field(a.get("name", ""), kind, a.get("value", "")))
        elif tag == "select":
            self._select = Field(a.get("name", ""), "select", None)  # type: ignore[arg-type]
            form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a)
            self._option_text = ""
        elif tag == "textarea":
            self._textarea = Field(a.get("name", ""), "textarea", "")
            form.fields.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option_text += data
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None and self._select is not None:
            value, selected = self._option
            value = self._option_text.strip() if value is None else value
            self._select.options.append(value)
            if selected:
                self._select.value, self._select.checked = value, True
            elif self._select.value is None:
                self._select.value = value  # the first option, unless another is selected
            self._option = None
        elif tag == "select" and self._select is not None:
            if self._select.value is None:
                self._select.value = ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None


def read_page(url: str, html: str) -> PageReader:
    reader = PageReader(url)
    reader.feed(html)
    return reader


def in_app(url: str) -> str | None:
    """The path?query of a link inside the app that the crawler may follow, else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "") or parts.netloc not in ("", "testserver.local"):
        return None
    if not parts.path.startswith("/") or SKIPPED.match(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def shape(url: str) -> str:
    """A URL with its ids blanked: the crawler visits a few of each shape, not every order."""
    return re.sub(r"\d+", "N", url)


@dataclass
class Seeded:
    accounts: dict[str, Account]
    tenant: Tenant
    store_id: int


async def seed_organisation() -> Seeded:
    """One organisation with a person per role, a store, products with stock, orders and tags:
    enough rows that every list has something and the paged lists (made small) show "Show more"."""
    from app.domains.inventory import stock
    from app.domains.inventory.locations import default_location
    from app.domains.orders import tags
    from tests.fulfillment.factories import ready_order, stocked_variant
    from tests.inventory.factories import make_location, tenant_of
    from tests.tenancy_registry import ROW_FACTORIES

    owner = await make_account()
    accounts = {"owner": owner}
    for role in ROLES[1:]:
        accounts[role] = await add_member(owner.org_id, role)
    tenant = tenant_of(owner)
    store_id = await ROW_FACTORIES["store_id"](owner)
    await ROW_FACTORIES["listing_id"](owner)
    second = await make_location(tenant)
    variants = [await stocked_variant(tenant, units=40, name=f"Kaos Batik {n}") for n in range(4)]
    home = (await default_location(tenant))["id"]
    await stock.transfer(tenant, variants[0]["id"], home, second["id"], 5, reason="rak depan")
    orders = [await ready_order(tenant, [(variants[n % 4], 1 + n % 2)], customer=f"Pelanggan {n}") for n in range(5)]
    await tags.add_tag(tenant, orders[0], "grosir")
    await ROW_FACTORIES["count_id"](owner)
    await ROW_FACTORIES["job_id"](owner)
    await ROW_FACTORIES["invitation_id"](owner)
    return Seeded(accounts, tenant, store_id)


def small_pages(monkeypatch) -> None:
    """Page sizes of two rows, so that a handful of seeded rows gives every list a "Show more"."""
    from app.domains.catalog import services as catalog
    from app.domains.inventory import overview
    from app.domains.orders import services as orders

    monkeypatch.setattr(orders, "PAGE", 2)
    monkeypatch.setitem(overview.stock_table.__kwdefaults__, "limit", 2)
    monkeypatch.setitem(overview.movements.__kwdefaults__, "limit", 2)
    monkeypatch.setitem(catalog.search_variants.__kwdefaults__, "limit", 2)


TYPICAL = {"number": "1", "date": "2026-03-01", "email": "budi@example.id", "tel": "+62 812 3456 7890",
           "url": "https://example.id", "password": "correct-horse-42"}


def typical_variants(form: Form) -> list[list[tuple[str, str]]]:
    """The form filled as a person typically would: text typed, boxes ticked, each choice of a
    select tried in turn (a few of each)."""
    filled: list[tuple[str, str]] = []
    for f in form.editable():
        if f.kind == "hidden":
            filled.append((f.name, f.value))
        elif f.kind in ("checkbox", "radio"):
            filled.append((f.name, f.value or "on"))
        elif f.kind == "select":
            filled.append((f.name, f.options[-1] if f.options else ""))
        else:
            filled.append((f.name, TYPICAL.get(f.kind, "Kaos")))
    variants = [filled]
    for f in form.editable():
        if f.kind == "select":
            for option in f.options[:4]:
                variants.append([(k, option if k == f.name else v) for k, v in form.defaults()])
    return variants


@dataclass
class Crawl:
    role: str
    visited: list[tuple[str, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    forms: dict[tuple, Form] = field(default_factory=dict)

    def get_forms(self) -> list[Form]:
        return [f for f in self.forms.values() if f.method == "GET"]

    def post_forms(self) -> list[Form]:
        return [f for f in self.forms.values() if f.method != "GET"]


def acceptable(role: str, response) -> str | None:
    """Why an answer is not acceptable for a page a person reached by the app's own links, else None."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        target = response.headers.get("location", "")
        return f"redirected to the login page ({target})" if target.startswith("/login") else None
    if status == 403 and role != "owner":
        return None  # the documented answer for a role without the permission
    if status not in (200, 204):
        return f"answered {status}: {response.text[:200]!r}"
    return None


async def crawl(client, role: str, *, max_pages: int = 90, per_shape: int = 2) -> Crawl:
    """Breadth-first from the dashboard over the app's own links (and hx-get fragments)."""
    from collections import Counter, deque

    result = Crawl(role)
    queue: deque[tuple[str, bool]] = deque([("/", False)])
    seen: set[tuple[str, bool]] = set()
    shapes: Counter = Counter()
    while queue and len(result.visited) < max_pages:
        url, htmx = queue.popleft()
        if (url, htmx) in seen or shapes[(shape(url), htmx)] >= per_shape:
            continue
        seen.add((url, htmx))
        shapes[(shape(url), htmx)] += 1
        response = await client.get(url, headers={"HX-Request": "true"} if htmx else {})
        result.visited.append((url, response.status_code))
        problem = acceptable(role, response)
        if problem:
            result.problems.append(f"{role} GET {url}{' (htmx)' if htmx else ''} {problem}")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            target = in_app(urljoin("http://testserver.local" + url, response.headers.get("location", "")))
            if target:
                queue.append((target, False))
            continue
        if "html" not in response.headers.get("content-type", ""):
            continue
        page = read_page("http://testserver.local" + url, response.text)
        for link, is_htmx in page.links:
            target = in_app(link)
            if target and not target.endswith("/events"):
                queue.append((target, is_htmx))
        for form in page.forms:
            key = (form.method, shape(urlsplit(form.action).path), tuple(f.name for f in form.fields))
            result.forms.setdefault(key, form)
    return result


async def submit(client, form: Form, pairs: list[tuple[str, str]], *, htmx: bool | None = None):
    """Send `pairs` as the browser (or htmx) would: a query for GET, a form body with the CSRF
    header otherwise."""
    from urllib.parse import urlencode

    from tests.support import csrf_token

    headers = {"HX-Request": "true"} if (form.htmx if htmx is None else htmx) else {}
    path = in_app(form.action) or urlsplit(form.action).path
    if form.method == "GET":
        base = path.split("?", 1)[0]
        return await client.get(f"{base}?{urlencode(pairs)}" if pairs else base, headers=headers)
    headers["x-csrftoken"] = csrf_token(client)
    if form.enctype == "multipart/form-data":
        files = {f.name: ("", b"", "application/octet-stream") for f in form.fields if f.kind == "file" and f.name}
        data: dict[str, list[str]] = {}
        for k, v in pairs:
            data.setdefault(k, []).append(v)
        return await client.request(form.method, path, data=data, files=files or None, headers=headers)
    headers["content-type"] = "application/x-www-form-urlencoded"
    return await client.request(form.method, path, content=urlencode(pairs).encode(), headers=headers)
