"""Every response carries the security headers: the app's pages (walked route by route, signed in
and anonymous), fragments, errors, static files, /admin (its own policy) and the sandbox."""

from __future__ import annotations

import re

import httpx
from litestar.routes import HTTPRoute

from tests.support import PASSWORD, Account, http_client, login, make_account, unique
from tests.tenancy_registry import ROW_FACTORIES, SKIPPED_ROUTES

PARAM = re.compile(r"{(\w+)(?::\w+)?}")
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\s(?:style|on[a-z]+)\s*=|<style", re.I)


def _directives(csp: str) -> dict[str, str]:
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in (p.strip() for p in csp.split(";")) if part}


def assert_app_headers(response, what: str) -> None:
    csp = _directives(response.headers.get("content-security-policy", ""))
    assert csp.get("script-src") == "'self'", (what, csp)
    assert csp.get("style-src") == "'self'", (what, csp)
    assert csp.get("frame-ancestors") == "'none'", (what, csp)
    assert csp.get("object-src") == "'none'", (what, csp)
    assert "'unsafe-inline'" not in response.headers["content-security-policy"], what
    assert "'unsafe-eval'" not in response.headers["content-security-policy"], what
    assert response.headers.get("x-frame-options") == "DENY", what
    assert response.headers.get("x-content-type-options") == "nosniff", what
    assert response.headers.get("referrer-policy") == "same-origin", what
    assert "strict-transport-security" not in response.headers, f"{what}: HSTS over plain HTTP"


def _get_routes(app):
    for route in app.routes:
        if isinstance(route, HTTPRoute) and "GET" in route.route_handler_map and route.path not in SKIPPED_ROUTES:
            yield route.path


async def test_every_page_signed_in_and_anonymous_carries_the_headers(app):
    account = await make_account()
    ids = {name: await factory(account) for name, factory in ROW_FACTORIES.items()}
    walked = 0
    async with http_client(app) as anonymous, http_client(app) as seller:
        await login(seller, account)
        for path in _get_routes(app):
            url = PARAM.sub(lambda m: str(ids.get(m.group(1), "x")), path)
            for who, client in (("anonymous", anonymous), ("seller", seller)):
                response = await client.get(url)
                assert_app_headers(response, f"{who} GET {url} ({response.status_code})")
                if response.headers.get("content-type", "").startswith("text/html"):
                    inline = INLINE.search(response.text)
                    assert not inline, f"{who} GET {url}: {inline.group(0)!r} is refused by the policy"
                walked += 1
        # htmx fragments, errors, static files and unknown paths too
        assert_app_headers(await seller.get("/orders", headers={"HX-Request": "true"}), "fragment")
        assert_app_headers(await seller.get("/no/such/page"), "404")
        assert_app_headers(await anonymous.get("/static/css/app.css"), "static file")
        assert_app_headers(await anonymous.post("/login", data={}), "403 without CSRF token")
    assert walked > 60


async def test_admin_gets_a_policy_its_vue_app_can_run_under(app):
    from app.domains.accounts.services import create_user

    email = f"{unique('root')}@storesync.id"
    user_id = await create_user(email, PASSWORD, "Platform Admin", superuser=True)
    async with http_client(app) as client:
        await login(client, Account(user_id, 0, email, PASSWORD, ""))
        response = await client.get("/admin/")
    assert response.status_code == 200 and "<html" in response.text.lower()
    csp = _directives(response.headers["content-security-policy"])
    assert csp["script-src"] == "'self' 'unsafe-eval'"  # Vue's runtime template compiler
    assert csp["frame-ancestors"] == "'self'" and response.headers["x-frame-options"] == "SAMEORIGIN"
    assert csp["object-src"] == "'none'" and response.headers["x-content-type-options"] == "nosniff"


async def test_consent_hosts_are_allowed_as_form_targets(app):
    async with http_client(app) as client:
        csp = _directives((await client.get("/login")).headers["content-security-policy"])
    from app.settings import get_settings

    settings = get_settings()
    assert csp["form-action"].startswith("'self'")
    for name in ("shopee_api_base", "tiktok_authorize_url"):
        host = settings.marketplace_host(name)
        origin = "/".join(host.split("/")[:3])
        assert origin in csp["form-action"].split(), (name, csp["form-action"])


async def test_https_base_url_adds_hsts_and_secure_cookies():
    from app.main import create_app
    from app.settings import get_settings

    settings = get_settings().model_copy(update={"base_url": "https://toko.example.id"})
    account = await make_account()
    # A client that speaks HTTPS to the app: it sends Secure cookies back.
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="https://toko.example.id") as client:
        page = await client.get("/login")
        assert page.headers["strict-transport-security"] == "max-age=31536000"
        assert "secure" in page.headers["set-cookie"].lower(), page.headers["set-cookie"]
        response = await client.post("/login", data={"email": account.email, "password": account.password},
                                     headers={"x-csrftoken": client.cookies["ss_csrf"]})
    assert response.status_code in (200, 303), response.status_code
    session_cookie = [c for c in response.headers.get_list("set-cookie") if c.startswith("ss_session=")]
    assert session_cookie and "secure" in session_cookie[0].lower(), response.headers.get_list("set-cookie")


async def test_secure_cookies_on_http_base_url_marks_them_secure_without_hsts():
    from app.main import create_app
    from app.settings import get_settings

    settings = get_settings().model_copy(update={"secure_cookies": True})
    async with http_client(create_app(settings)) as client:
        page = await client.get("/login")
    assert "secure" in page.headers["set-cookie"].lower()
    assert "strict-transport-security" not in page.headers


async def test_plain_http_cookies_are_not_secure(client):
    page = await client.get("/login")
    assert "secure" not in page.headers["set-cookie"].lower()


def test_no_template_carries_inline_script_handlers_or_styles():
    """The policy refuses them; behaviour belongs in app/static/js, looks in the CSS files."""
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "app" / "templates"
    forbidden = [
        # JSON-LD is data a browser never runs (the shop's product pages): not a script to refuse
        (re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))[^>]*>", re.I), "inline <script>"),
        (re.compile(r"\son[a-z]+\s*=", re.I), "on*= handler"),
        (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
        (re.compile(r"<style", re.I), "<style> element"),
        (re.compile(r"\shx-on", re.I), "hx-on (evaluated by htmx)"),
        # an event filter (click[ctrlKey]), not a CSS selector after from: (from:input[name=q])
        (re.compile(r"hx-trigger=\"(?:[^\"]*[\s,])?(?!from:)[\w.:-]+\[", re.I), "hx-trigger filter (evaluated by htmx)"),
        (re.compile(r"javascript:", re.I), "javascript: URL"),
        (re.compile(r"hx-(?:vals|vars)\s*=\s*['\"]\s*js:", re.I), "hx-vals js: (evaluated by htmx)"),
        (re.compile(r"\shx-vars", re.I), "hx-vars (evaluated by htmx)"),
    ]
    found = []
    for path in sorted(templates.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern, what in forbidden:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(templates)}:{line}: {what}")
    assert not found, "\n".join(found)
