"""Every REST API error in one shape: RFC 9457 problem details (application/problem+json).

    {"type": "/api/docs#problem-validation", "title": "Invalid request", "status": 422,
     "detail": "Give a reason for the adjustment.", "instance": "/api/v1/stock/adjustments",
     "errors": [{"field": "reason", "message": "Give a reason for the adjustment."}]}

`errors` is present for 400 and 422 only. A refused key (401) or scope (403) says nothing more
than its title, so a caller learns nothing about other keys or organisations.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Response

from app.core.errors import AppError, Throttled

log = logging.getLogger("storesync.api")

MEDIA_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
    409: "Conflict", 413: "Request too large", 415: "Unsupported media type", 422: "Invalid request",
    429: "Too many requests", 500: "Server error",
}
SLUGS = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 409: "conflict",
         422: "validation", 429: "rate-limited", 500: "server-error"}


class ApiUnauthorized(AppError):
    """No key, or a key that is unknown, revoked, expired or used from an address it may not."""

    status_code = 401

    def __init__(self) -> None:
        super().__init__("A valid API key is required.")


class ApiForbidden(AppError):
    """The key lacks the scope this call needs."""

    status_code = 403

    def __init__(self) -> None:
        super().__init__("This API key may not do this.")


class ApiThrottled(Throttled):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def problem(request: Request, status: int, detail: str | None = None, errors: list[dict[str, str]] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {"type": f"/api/docs#problem-{SLUGS.get(status, 'error')}",
                            "title": TITLES.get(status, "Error"), "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.url.path
    if errors is not None:
        body["errors"] = errors
    request.scope.setdefault("state", {})["api_status"] = status
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _app_error(request: Request, exc: AppError) -> Response:
    status = exc.status_code
    if isinstance(exc, ApiUnauthorized):
        return problem(request, 401, headers={"WWW-Authenticate": 'Bearer realm="StoreSync API"'})
    if isinstance(exc, ApiForbidden):
        return problem(request, 403)
    headers = {}
    if isinstance(exc, ApiThrottled):
        headers["Retry-After"] = str(exc.retry_after)
    errors = None
    if status in (400, 422):
        found = getattr(exc, "errors", None) or {(exc.field or "body"): exc.message}
        errors = [{"field": field, "message": message} for field, message in found.items()]
    return problem(request, status, exc.message, errors, headers)


def _validation(request: Request, exc: ValidationException) -> Response:
    """Litestar's refusal of a parameter or body: malformed JSON, an unknown or mistyped field."""
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            errors.append({"field": str(item.get("key") or item.get("source") or "body"),
                           "message": str(item.get("message", ""))})
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or str(exc.detail)
    return problem(request, 400, detail, errors or [{"field": "body", "message": str(exc.detail)}])


def _http(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if status == 401:
        return problem(request, 401, headers={"WWW-Authenticate": 'Bearer realm="StoreSync API"'})
    if status == 403:
        return problem(request, 403)
    errors = [{"field": "body", "message": str(exc.detail)}] if status == 400 else None
    return problem(request, status, str(exc.detail) if status < 500 else None, errors, exc.headers)


def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("API call %s %s failed", request.method, request.url.path, exc_info=exc)
    return problem(request, 500, "Something went wrong on our side.")


def _data_refused(request: Request, exc: Exception) -> Response:
    return problem(request, 400, "A value is too large or not valid.", [{"field": "body", "message": "not valid"}])


def exception_handlers() -> dict[type[Exception] | int, Any]:
    handlers: dict[type[Exception] | int, Any] = {
        AppError: _app_error,
        ValidationException: _validation,
        NotAuthorizedException: _http,
        PermissionDeniedException: _http,
        NotFoundException: _http,
        HTTPException: _http,
        OverflowError: _data_refused,
        Exception: _unexpected,
    }
    try:
        import asyncpg

        handlers[asyncpg.exceptions.DataError] = _data_refused
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        pass
    return handlers


def not_found(request: Request) -> Response:
    """An unknown path under /api/v1 (no route matched, so the router's handlers never ran)."""
    return problem(request, 404, "No such endpoint.")
