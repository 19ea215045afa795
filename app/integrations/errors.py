"""The one error hierarchy of the marketplace layer.

Every failure an adapter can raise is an ``IntegrationError``. Callers decide what to do from the
class and from ``retryable`` alone, never from a platform's error code: ``retryable`` means "the
same call, sent again later unchanged, may succeed". ``seller_message`` is a sentence a seller
understands; ``str(error)`` is the technical detail for logs.

Names deliberately mirror the taxonomy in the issue (``ValidationError``, ``PermissionError``):
import the module (``from app.integrations import errors``) rather than the names, so they never
shadow pydantic's or the builtin ones.
"""

from __future__ import annotations

from enum import StrEnum

from app.core.i18n import N_  # the sentences are translated where a person reads them


class IntegrationError(Exception):
    """Root of every marketplace failure; carries platform, code and a seller-facing sentence."""

    retryable: bool = False
    default_seller_message = N_("The marketplace could not complete this request.")

    def __init__(
        self,
        detail: str,
        *,
        platform: str | None = None,
        code: str | None = None,
        http_status: int | None = None,
        request_id: str | None = None,
        seller_message: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.platform = platform
        self.code = code
        self.http_status = http_status
        self.request_id = request_id
        self.seller_message = seller_message or self.default_seller_message

    def __str__(self) -> str:
        parts = [self.detail]
        if self.platform:
            parts.append(f"platform={self.platform}")
        if self.code:
            parts.append(f"code={self.code}")
        if self.http_status:
            parts.append(f"http={self.http_status}")
        if self.request_id:
            parts.append(f"request_id={self.request_id}")
        return " ".join(parts)


class ValidationError(IntegrationError):
    """The platform refused the request's content (bad parameter, unknown item, limit exceeded)."""

    retryable = False
    default_seller_message = N_("The marketplace rejected the data we sent. Please check the product or order details.")


class AuthReason(StrEnum):
    # The access token is stale: one token refresh should fix it.
    TOKEN_EXPIRED = "token_expired"
    # The authorization itself is gone (refresh token expired or used, shop unlinked): the seller
    # must connect the store again.
    REAUTHORIZE = "reauthorize"
    # StoreSync's own app credentials (partner key / app secret, signature) are wrong: an
    # operator must fix the configuration; neither refresh nor the seller can.
    CREDENTIALS = "credentials"


class AuthError(IntegrationError):
    """The platform did not accept who we are; ``reason`` says whether refresh, re-auth or config fixes it."""

    retryable = False
    default_seller_message = N_("The connection to this store has expired. Please reconnect the store.")

    def __init__(self, detail: str, *, reason: AuthReason = AuthReason.REAUTHORIZE, **kwargs) -> None:
        if "seller_message" not in kwargs or kwargs["seller_message"] is None:
            kwargs["seller_message"] = {
                AuthReason.TOKEN_EXPIRED: N_("The store's access has expired; StoreSync is renewing it."),
                AuthReason.REAUTHORIZE: N_("The connection to this store has expired. Please reconnect the store."),
                AuthReason.CREDENTIALS: N_("StoreSync's marketplace credentials were refused. Please contact support."),
            }[reason]
        super().__init__(detail, **kwargs)
        self.reason = reason

    @property
    def needs_refresh(self) -> bool:
        return self.reason is AuthReason.TOKEN_EXPIRED

    @property
    def needs_reauthorization(self) -> bool:
        return self.reason is AuthReason.REAUTHORIZE


class PermissionError(IntegrationError):  # noqa: A001 - the taxonomy's name; see module docstring
    """The token is valid but lacks the scope or permission for this API."""

    retryable = False
    default_seller_message = N_(
        "StoreSync is not allowed to do this on the marketplace. Reconnect the store and grant all permissions."
    )


class RateLimitError(IntegrationError):
    """Too many requests; ``retry_after`` (seconds) says when to try again, if known."""

    retryable = True
    default_seller_message = N_("The marketplace asked us to slow down. StoreSync will retry shortly.")

    def __init__(self, detail: str, *, retry_after: float | None = None, **kwargs) -> None:
        super().__init__(detail, **kwargs)
        self.retry_after = retry_after


class PlatformError(IntegrationError):
    """The platform failed on its side (5xx, system busy)."""

    retryable = True
    default_seller_message = N_("The marketplace is having trouble right now. StoreSync will retry automatically.")


class NetworkError(IntegrationError):
    """No usable answer arrived: timeout, connection failure or a body that is not valid JSON."""

    retryable = True
    default_seller_message = N_("We could not reach the marketplace. StoreSync will retry automatically.")


class CircuitOpenError(IntegrationError):
    """Calls to this store are paused because it kept failing; ``retry_after`` is the rest of the cooldown."""

    # Retryable for a job scheduler (later), but never retried inside the transport itself.
    retryable = True
    default_seller_message = N_(
        "The marketplace kept failing, so StoreSync paused calls to this store for a moment. "
        "Nothing is lost; it will resume by itself."
    )

    def __init__(self, detail: str, *, retry_after: float | None = None, **kwargs) -> None:
        super().__init__(detail, **kwargs)
        self.retry_after = retry_after


class WebhookRejected(IntegrationError):
    """A webhook whose signature or shape is wrong; its body must not be trusted."""

    retryable = False
    default_seller_message = N_("A marketplace notification could not be verified and was ignored.")


class ListingRefused(ValidationError):
    """The platform refused a new listing; ``field`` names what it objected to when its answer says
    (``title``, ``description``, ``images``, ``weight``, ``price``, ``variants``, ``category``,
    ``attribute:<id>``), None when it does not."""

    default_seller_message = N_("The marketplace refused this listing.")

    def __init__(self, detail: str, *, field: str | None = None, **kwargs: object) -> None:
        super().__init__(detail, **kwargs)  # type: ignore[arg-type]
        self.field = field

    @classmethod
    def from_error(cls, error: IntegrationError, field: str | None) -> ListingRefused:
        return cls(error.detail, field=field, platform=error.platform, code=error.code,
                   http_status=error.http_status, request_id=error.request_id, seller_message=error.detail)
