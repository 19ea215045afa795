"""Security plumbing of the web process: which paths skip CSRF and sessions, the response headers
every page carries (CSP, frame and sniffing protection, referrer, HSTS), and the start-up check of
a production deployment's settings.

Log redaction lives in app/core/log_redaction.py.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from urllib.parse import urlsplit

from litestar.enums import ScopeType
from litestar.types import Message, Scope

from app.settings import DEFAULT_SECRET_KEY, Settings

log = logging.getLogger("storesync.security")

# Litestar *searches* exclusion patterns anywhere in the path, so each is anchored at the start and
# ends at a segment boundary: /products/1/sandbox or /password/reset/webhooks still need a token.
# The storefront JSON API is called by other sites' scripts with a cart token and no cookies (CORS
# as the seller allows); the HTML shop's forms carry the CSRF token like every other form.
CSRF_EXEMPT = ["^/admin(?:/|$)", "^/static/", "^/healthz$", "^/webhooks/", "^/sandbox(?:/|$)",
               "^/payments/(?:midtrans/notification|xendit/callback)$", "^/api/storefront/", "^/schema(?:/|$)",
               "^/shipping/webhooks/[^/]+$", "^/api/v1/"]
# Buyers have no session: the shop keeps its cart in its own cookie.
# The REST API authenticates a bearer key and never reads a session cookie (so a browser's session
# cannot make API writes, and CSRF has nothing to protect there).
SESSION_EXEMPT = ["^/static/", "^/healthz$", "^/shop/", "^/api/storefront/", "^/schema(?:/|$)", "^/api/v1/"]

# The app's pages: scripts and styles only from our own files (htmx's indicator <style> is turned off
# in base.html's htmx-config; its CSS is in app.css), no plugins, no framing by anyone.
APP_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
}
# piccolo-admin is a prebuilt Vue app we do not control: its bundle carries Vue's runtime template
# compiler (new Function) and binds style attributes, so it gets eval and inline styles — but still
# no script from anywhere else, and framing only by this site.
ADMIN_CSP = {
    "default-src": "'self'",
    "script-src": "'self' 'unsafe-eval'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'self'",
}
# The marketplace sandbox (never on in production) imitates the marketplaces' own pages, which
# carry their styles inline.
SANDBOX_CSP = {**APP_CSP, "style-src": "'self' 'unsafe-inline'"}
HSTS = "max-age=31536000"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


@lru_cache(maxsize=8)
def _policy(base: tuple[tuple[str, str], ...], consent_origins: tuple[str, ...]) -> str:
    directives = dict(base)
    # "Connect a store" posts a form that redirects to the marketplace's consent page; browsers
    # apply form-action to that redirect, so the consent hosts are named.
    directives["form-action"] = " ".join(["'self'", *consent_origins])
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _is_admin(path: str) -> bool:
    return path == "/admin" or path.startswith("/admin/")


def content_security_policy(path: str, settings: Settings) -> str:
    if _is_admin(path):
        base = ADMIN_CSP
    elif path == "/sandbox" or path.startswith("/sandbox/"):
        base = SANDBOX_CSP
    else:
        base = APP_CSP
    return _policy(tuple(base.items()), _consent_origins(settings))


_consent: dict[tuple, tuple[str, ...]] = {}


def _consent_origins(settings: Settings) -> tuple[str, ...]:
    """The marketplaces' consent origins, worked out once per value of the settings they come from
    (every response asks)."""
    key = (settings.shopee_api_base, settings.tiktok_authorize_url, settings.lazada_authorize_url,
           settings.sandbox_enabled, settings.base_url)
    origins = _consent.get(key)
    if origins is None:
        if len(_consent) > 16:
            _consent.clear()
        origins = _consent[key] = tuple(sorted({o for o in (
            _origin(settings.marketplace_host("shopee_api_base")),
            _origin(settings.marketplace_host("tiktok_authorize_url")),
            _origin(settings.marketplace_host("lazada_authorize_url"))) if o}))
    return origins


def security_headers(settings: Settings):
    """A before_send hook: every HTTP response (pages, fragments, errors, static files, /admin,
    the sandbox) gets the security headers, unless its handler set one of them itself."""

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or scope["type"] != ScopeType.HTTP:
            return
        # Litestar rewrites scope["path"] for mounted apps (/admin, /sandbox); raw_path keeps the URL's.
        raw = scope.get("raw_path")
        path = raw.decode("latin-1").split("?", 1)[0] if raw else scope.get("path", "")
        headers = list(message.get("headers", ()))
        present = {name.lower() for name, _value in headers}
        wanted = [
            (b"content-security-policy", content_security_policy(path, settings)),
            (b"x-frame-options", "SAMEORIGIN" if _is_admin(path) else "DENY"),
            (b"x-content-type-options", "nosniff"),
            (b"referrer-policy", "same-origin"),
        ]
        if settings.https:
            wanted.append((b"strict-transport-security", HSTS))
        headers += [(name, value.encode("latin-1")) for name, value in wanted if name not in present]
        message["headers"] = headers

    return add_headers


# -- production mode ---------------------------------------------------------------------------

class UnsafeDeployment(RuntimeError):
    """Production mode with settings that leave the deployment open; the message lists them all."""


def deployment_problems(settings: Settings) -> list[str]:
    """Each setting that must change before this deployment faces the internet, with what to set."""
    problems = []
    if settings.secret_key == DEFAULT_SECRET_KEY:
        problems.append("SECRET_KEY is the default shipped with the code: set SECRET_KEY to a long random value "
                        "(for example the output of `python -c 'import secrets; print(secrets.token_urlsafe(48))'`).")
    if not settings.encryption_keys.strip():
        problems.append("ENCRYPTION_KEYS is empty, so marketplace tokens are encrypted with a key derived from "
                        "SECRET_KEY: set ENCRYPTION_KEYS to a Fernet key (`python -c 'from cryptography.fernet "
                        "import Fernet; print(Fernet.generate_key().decode())'`).")
    if settings.sandbox_enabled:
        problems.append("SANDBOX_ENABLED is on, which serves the fake marketplaces under /sandbox: set "
                        "SANDBOX_ENABLED=false (and the real SHOPEE_*/TIKTOK_*/LAZADA_* credentials).")
    if settings.debug:
        problems.append("DEBUG is on, which shows tracebacks to visitors: set DEBUG=false.")
    return problems


def check_deployment(settings: Settings, *, warn: bool = True) -> None:
    """In production, refuse to start (UnsafeDeployment listing every problem); in development,
    log one warning naming them (``warn=False``: the command line checks before the web process,
    which warns itself)."""
    problems = deployment_problems(settings)
    if not problems:
        return
    if settings.storesync_env == "production":
        raise UnsafeDeployment("StoreSync will not start with STORESYNC_ENV=production:\n"
                               + "\n".join(f"  - {p}" for p in problems))
    if warn:
        log.warning("development settings (not for production; STORESYNC_ENV=production refuses them): %s",
                    " ".join(problems))
