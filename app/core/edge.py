"""Input checked once, at the edge, for every route, and every error answered as a page.

`EdgeMiddleware` runs before any handler parses its parameters:
- an empty query value (`store=` from "All stores") is dropped, so the handler's default applies;
- a NUL character in the query, a form or a JSON body is refused (no database stores it);
- an integer query or path parameter, or a form field naming a row (`location_id`), outside the
  32-bit range of an id column is refused;
- a JSON body nested deeper than MAX_JSON_DEPTH is refused (a parser would hit RecursionError).
A refusal raises `InputRefused`, rendered like any other application error: nothing has run yet,
so nothing changed.

`exception_handlers()` turns Litestar's own 4xx (bad parameter, wrong method, body too large),
a value the database refuses, and any unexpected error into the app's error page (or its flash
fragment for htmx), with a sentence a seller understands: never a JSON body or a stack trace.
"""

from __future__ import annotations

import logging
import re
from typing import Any, get_args
from urllib.parse import parse_qsl, urlencode

from litestar import Request
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from app.core.errors import AppError, NotFound
from app.core.i18n import _
from app.core.web import render, wants_fragment

log = logging.getLogger("storesync.edge")

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # ids are PostgreSQL `serial`/`integer` columns
MAX_JSON_DEPTH = 64
MAX_CHECKED_BODY = 16 * 1024 * 1024  # larger bodies go on unchecked (Litestar refuses them anyway)
SKIPPED_PREFIXES = ("/static/", "/sandbox/", "/healthz")
KEEP_QUERY_PREFIXES = ("/admin",)  # piccolo-admin gives an empty filter its own meaning
INTEGER = re.compile(r"[+-]?\d+")
ID_FIELD = re.compile(r"(^|[_-])id$")


class InputRefused(AppError):
    """The request carries something no handler may receive; it was refused before any work."""

    status_code = 400


def _nul_refused() -> InputRefused:
    return InputRefused(_("Text may not contain invisible control characters (NUL). Remove them and try again."))


def _too_large() -> InputRefused:
    return InputRefused(_("That number is too large."))


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (without parsing it)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _int_parameters(handler: Any) -> frozenset[str]:
    """The query names of a handler's integer parameters (cached on the handler)."""
    cached = getattr(handler, "_edge_int_parameters", None)
    if cached is not None:
        return cached
    names = set()
    signature = getattr(handler, "parsed_fn_signature", None)
    for name, field in (signature.parameters.items() if signature else ()):
        types = (field.annotation, *get_args(field.annotation))
        if any(t is int for t in types):
            names.add(getattr(field.kwarg_definition, "query", None) or name)
    result = frozenset(names)
    try:
        handler._edge_int_parameters = result
    except AttributeError:  # a handler that takes no attributes is simply not cached
        pass
    return result


def _out_of_range(value: str) -> bool:
    """An integer literal past an id column's range (checked by length first: Python refuses to
    convert a literal of more than 4,300 digits)."""
    value = value.strip()
    if not INTEGER.fullmatch(value):
        return False
    return len(value.lstrip("+-").lstrip("0")) > 10 or not INT_MIN <= int(value) <= INT_MAX


def _check_query(scope: Scope) -> None:
    raw = scope.get("query_string", b"")
    if not raw:
        return
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    if any("\x00" in key or "\x00" in value for key, value in pairs):
        raise _nul_refused()
    integers = _int_parameters(scope.get("route_handler"))
    if any(key in integers and _out_of_range(value) for key, value in pairs):
        raise _too_large()
    path = scope.get("path", "")
    if any(value == "" for _key, value in pairs) and not path.startswith(KEEP_QUERY_PREFIXES):
        kept = [(key, value) for key, value in pairs if value != ""]
        scope["query_string"] = urlencode(kept, encoding="latin-1").encode("latin-1")


def _check_path(scope: Scope) -> None:
    for value in (scope.get("path_params") or {}).values():
        if isinstance(value, int) and not isinstance(value, bool) and not INT_MIN <= value <= INT_MAX:
            raise NotFound(_("Not found."))


def _check_body(content_type: str, body: bytes, path: str) -> None:
    if not body:
        return
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        text = body.decode("latin-1")
        if "%00" in text or "\x00" in text:
            raise _nul_refused()
        # A field that names a row (location_id, order_id, variants-0-id) holds an id column's value.
        if any(ID_FIELD.search(key) and _out_of_range(value) for key, value in parse_qsl(text, keep_blank_values=True)):
            raise _too_large()
    elif kind == "multipart/form-data":
        match = re.search(r'boundary="?([^";]+)"?', content_type)
        if match:
            for part in body.split(b"--" + match.group(1).encode("latin-1")):
                head, _sep, content = part.partition(b"\r\n\r\n")
                if b"filename=" not in head and b"\x00" in content:  # files may hold any byte
                    raise _nul_refused()
    elif kind.endswith("json") or path.startswith("/webhooks"):
        if b"\x00" in body or b"\\u0000" in body.lower():
            raise _nul_refused()
        if json_depth(body) > MAX_JSON_DEPTH:
            raise InputRefused(_("The data is nested too deeply."))


class EdgeMiddleware:
    """See the module docstring. Registered once, after the session middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope.get("path", "").startswith(SKIPPED_PREFIXES):
            await self.app(scope, receive, send)
            return
        _set_locale(scope)
        _check_path(scope)
        _check_query(scope)
        if scope.get("method") in ("POST", "PUT", "PATCH", "DELETE"):
            receive = await self._checked_body(scope, receive)
        await self.app(scope, receive, send)

    async def _checked_body(self, scope: Scope, receive: Receive) -> Receive:
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        messages: list[ReceiveMessage] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > MAX_CHECKED_BODY or not message.get("more_body", False):
                break
        if size <= MAX_CHECKED_BODY and messages[-1]["type"] == "http.request" \
                and not messages[-1].get("more_body", False):
            _check_body(content_type, b"".join(m["body"] for m in messages if m["type"] == "http.request"),
                        scope.get("path", ""))

        async def replay() -> ReceiveMessage:
            return messages.pop(0) if messages else await receive()

        return replay


API_PREFIX = "/api/v1/"  # the REST API: no session, no language cookie; it answers in the caller's Accept-Language


def _api_locale(scope: Scope) -> str:
    """Indonesian for a caller whose Accept-Language starts with it, English otherwise."""
    for name, value in scope.get("headers") or ():
        if name == b"accept-language":
            return "id" if value.strip().lower().startswith(b"id") else "en"
    return "en"


def _set_locale(scope: Scope) -> None:
    """Refusals happen before the permission guard, which sets the reader's language."""
    from app.core.i18n import current_locale

    if scope.get("path", "").startswith(API_PREFIX):
        current_locale.set(_api_locale(scope))
        return
    from litestar.connection import ASGIConnection

    from app.core.auth import resolve_locale

    current_locale.set(resolve_locale(ASGIConnection(scope)))


# -- error pages -------------------------------------------------------------------------------

def _http_message(status: int) -> str:
    messages = {
        400: _("Some of what was sent could not be understood. Check the form or the link and try again."),
        403: _("Your role does not allow this."),
        405: _("This action is not available here."),
        413: _("What you sent is too large."),
        429: _("Too many attempts. Wait a moment and try again."),
    }
    return messages.get(status, _("That request could not be handled. Check the form or the link and try again."))


def error_page(request: Request, status: int, message: str) -> Any:
    """The app's error page, or for htmx the flash fragment swapped into #flash."""
    if wants_fragment(request):
        return render(request, "_flash_error.html", status_code=status, message=message,
                      headers={"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})
    return render(request, "error.html", status_code=status, message=message)


def http_error(request: Request, exc: HTTPException) -> Any:
    """Litestar's own 4xx (a parameter it could not parse, a wrong method, ...) as the app's page."""
    status = exc.status_code if 400 <= exc.status_code < 500 else 500
    if status == 500:
        return server_error(request, exc)
    if status == 400:
        log.info("refused %s %s: %s", request.method, request.url.path, getattr(exc, "extra", None) or exc.detail)
    if status == 403 and "CSRF" in str(exc.detail):
        return error_page(request, 403, _("This form has expired. Reload the page and try again."))
    return error_page(request, status, _http_message(status))


def data_refused(request: Request, exc: Exception) -> Any:
    """A value the database cannot store (out of range, a NUL): the input was wrong, not the app."""
    log.warning("database refused a value in %s %s: %s", request.method, request.url.path, exc)
    return error_page(request, 400, _("A value is too large or contains characters that cannot be stored. "
                                      "Check the form and try again."))


def server_error(request: Request, exc: Exception) -> Any:
    """An unexpected error: a friendly page (Litestar has already logged the stack trace)."""
    if isinstance(exc, RecursionError):
        return data_refused(request, exc)
    return error_page(request, 500, _("Something went wrong on our side. Try again in a moment; if it "
                                      "happens again, tell us what you were doing."))


def exception_handlers() -> dict[type[Exception] | int, Any]:
    """Handlers to merge under the app's own (more specific ones still win)."""
    handlers: dict[type[Exception] | int, Any] = {
        HTTPException: http_error,
        OverflowError: data_refused,
        Exception: server_error,
    }
    try:
        import asyncpg

        handlers[asyncpg.exceptions.DataError] = data_refused
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        pass
    return handlers
