"""Rendering for the one-URL-two-shapes rule: a full page normally, its fragment for htmx."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.plugins.flash import flash as _flash
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Response, Template
from markupsafe import Markup, escape

from app.core.i18n import current_locale
from app.core.navigation import NAV

VARY = {"Vary": "HX-Request"}


def wants_fragment(request: Request) -> bool:
    """True for an htmx request that swaps part of the page (boosted navigation wants the page)."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted


def htmx_target(request: Request) -> str | None:
    """The id of the element an htmx request swaps (HX-Target), None for any other request."""
    htmx = getattr(request, "htmx", None)
    return htmx.target if htmx else None


def render(
    request: Request,
    template: str,
    *,
    fragment: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """The page `template`, or `fragment` when the request is an htmx partial swap."""
    name = template
    if fragment and wants_fragment(request):
        # Fragments go out with any flash message attached out of band (see _fragment.html).
        name, context["fragment_template"] = "_fragment.html", fragment
    context.setdefault("ctx", request.state.get("ctx"))
    context.setdefault("locale", current_locale.get())
    context.setdefault("nav", NAV)
    return Template(
        template_name=name,
        context=context,
        status_code=status_code,
        headers={**VARY, **(headers or {})},
    )


def flash(request: Request, message: str, category: str = "success") -> None:
    if not isinstance(request.scope.get("session"), dict):  # cleared (logout, reset): start afresh
        request.set_session({})
    _flash(request, message, category=category)


async def form_data(request: Request) -> dict[str, str]:
    """The submitted form's text fields (uploads are read by their own handlers)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def back_within(value: object, prefix: str, default: str | None = None) -> str:
    """A form's `back` address when it is a path of this site under `prefix`, else `default` (the prefix)."""
    if isinstance(value, str) and value.startswith(prefix) and "//" not in value:
        return value
    return default or prefix


def stays_at(request: Request, url: str) -> dict[str, str]:
    """Headers for a page answering a POST whose address is `url` (a refused form shown again): htmx
    would otherwise put the form's action (".../lines") in the address bar, a URL nobody can GET."""
    if request.method != "POST" or not getattr(request, "htmx", None):
        return {}
    return {"HX-Replace-Url": url}


def redirect_after_post(request: Request, url: str) -> Response:
    """Redirect after a successful POST, as htmx expects it or as a browser expects it."""
    if getattr(request, "htmx", None):
        response = ClientRedirect(redirect_to=url)
        response.status_code = 200  # htmx follows HX-Redirect only on a 2xx it swaps
        return response
    return Redirect(path=url, status_code=303)


_CODE = re.compile(r"\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b")


def keep_codes_whole(text: object) -> Markup:
    """Escaped text in which an order number or SKU ("M-00001", "KMJ-0102") never breaks at its hyphen."""
    return Markup(_CODE.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', str(escape(text))))
