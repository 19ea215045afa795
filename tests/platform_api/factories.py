"""API keys for tests, through the real service."""

from __future__ import annotations

from datetime import date

from app.domains.platform_api.keys import create_key
from app.domains.platform_api.schemas import ApiKeyForm
from app.domains.platform_api.scopes import ALL_SCOPES
from tests.inventory.factories import tenant_of
from tests.support import Account


async def make_key(account: Account, scopes: list[str] | None = None, *, allowed_ips: str = "",
                   expires_on: date | None = None, name: str = "Accounting") -> tuple[int, str]:
    """(key id, secret) of a new key of the account's organisation (every scope unless named)."""
    form = ApiKeyForm.parse({"name": name, "scopes": list(scopes if scopes is not None else ALL_SCOPES),
                             "allowed_ips": allowed_ips, "expires_on": expires_on.isoformat() if expires_on else ""})
    key, secret = await create_key(tenant_of(account), form)
    return key.id, secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
