"""An organisation's payment settings: methods, encrypted gateway keys, bank accounts; its gateways."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import ValidationFailed
from app.core.i18n import N_, _
from app.core.redis import redis_client
from app.core.secrets import decrypt, encrypt
from app.core.tenancy import Tenant
from app.domains import audit
from app.domains.payments.statuses import PaymentMethod
from app.domains.payments.tables import PaymentSettings
from app.integrations.breaker import BreakerPolicy
from app.integrations.payments.gateway import PaymentGateway
from app.integrations.payments.midtrans import MidtransGateway
from app.integrations.payments.xendit import XenditGateway
from app.integrations.transport import RetryPolicy, Transport
from app.settings import get_settings

SECRET_FIELDS = ("midtrans_server_key", "midtrans_client_key", "xendit_secret_key", "xendit_callback_token")


@dataclass
class Keys:
    """Decrypted gateway keys of one organisation (never rendered, never logged)."""

    midtrans_server_key: str = ""
    midtrans_client_key: str = ""
    xendit_secret_key: str = ""
    xendit_callback_token: str = ""


@dataclass
class SettingsView:
    """What the settings page shows: flags, which secrets are set (never their values), bank accounts."""

    cod_enabled: bool = True
    bank_transfer_enabled: bool = True
    midtrans_enabled: bool = False
    xendit_enabled: bool = False
    secrets_set: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(SECRET_FIELDS, False))
    bank_accounts: list[dict[str, str]] = field(default_factory=list)


async def _row(org_id: int) -> dict[str, Any] | None:
    # raw: every checkout reads it, and building Piccolo's select of every column costs more than the read
    rows = await PaymentSettings.raw("SELECT * FROM payment_settings WHERE organization = {} LIMIT 1", org_id)
    return rows[0] if rows else None


def _plain(value: str) -> str:
    return decrypt(value) if value else ""


async def keys_of(org_id: int) -> Keys:
    row = await _row(org_id)
    if row is None:
        return Keys()
    return Keys(**{name: _plain(row[name]) for name in SECRET_FIELDS})


async def settings_view(org_id: int) -> SettingsView:
    return _view_of(await _row(org_id))


def _view_of(row: dict[str, Any] | None) -> SettingsView:
    if row is None:
        return SettingsView()
    return SettingsView(cod_enabled=row["cod_enabled"], bank_transfer_enabled=row["bank_transfer_enabled"],
                        midtrans_enabled=row["midtrans_enabled"], xendit_enabled=row["xendit_enabled"],
                        secrets_set={name: bool(row[name]) for name in SECRET_FIELDS},
                        bank_accounts=list(json.loads(row["bank_accounts"]) if isinstance(row["bank_accounts"], str)
                                                           else row["bank_accounts"] or []))


async def enabled_methods(org_id: int) -> list[str]:
    """What checkout offers: cod and bank transfer as set (on by default); Midtrans and Xendit only
    when enabled and their keys are set."""
    return _methods_of(await _row(org_id))


async def methods_and_view(org_id: int) -> tuple[list[str], SettingsView]:
    """`enabled_methods` and `settings_view` from one read of the settings (a payment being started needs both)."""
    row = await _row(org_id)
    return _methods_of(row), _view_of(row)


def _methods_of(row: dict[str, Any] | None) -> list[str]:
    if row is None:
        return [PaymentMethod.COD.value, PaymentMethod.BANK_TRANSFER.value]
    methods = []
    if row["cod_enabled"]:
        methods.append(PaymentMethod.COD.value)
    if row["bank_transfer_enabled"]:
        methods.append(PaymentMethod.BANK_TRANSFER.value)
    if row["midtrans_enabled"] and row["midtrans_server_key"]:
        methods.append(PaymentMethod.MIDTRANS.value)
    if row["xendit_enabled"] and row["xendit_secret_key"] and row["xendit_callback_token"]:
        methods.append(PaymentMethod.XENDIT.value)
    return methods


async def save_settings(tenant: Tenant, *, cod_enabled: bool, bank_transfer_enabled: bool, midtrans_enabled: bool,
                        xendit_enabled: bool, secrets: dict[str, str], bank_accounts: list[dict[str, str]]) -> None:
    """Store the settings. A blank secret keeps the stored one; a gateway cannot be enabled without
    its keys (ValidationFailed, nothing saved)."""
    org_id = tenant.organization_id
    row = await _row(org_id)
    new = {name: encrypt(value) for name, value in secrets.items() if name in SECRET_FIELDS and value}
    errors = await problems(org_id, bank_transfer_enabled=bank_transfer_enabled, midtrans_enabled=midtrans_enabled,
                            xendit_enabled=xendit_enabled, secrets=secrets, bank_accounts=bank_accounts)
    if errors:
        raise ValidationFailed(errors)
    values: dict[str, Any] = {"cod_enabled": cod_enabled, "bank_transfer_enabled": bank_transfer_enabled,
              "midtrans_enabled": midtrans_enabled, "xendit_enabled": xendit_enabled,
              "bank_accounts": bank_accounts, **new}
    if row is None:
        await PaymentSettings.insert(PaymentSettings(organization=org_id, **values))
    else:
        await PaymentSettings.update({getattr(PaymentSettings, k): v for k, v in values.items()}).where(
            PaymentSettings.organization == org_id)
    methods = [m for m, k in (("cod", "cod_enabled"), ("bank_transfer", "bank_transfer_enabled"),
                              ("midtrans", "midtrans_enabled"), ("xendit", "xendit_enabled")) if values[k]]
    await audit.record(org_id, tenant.actor, "payments.settings", "payment_settings", row["id"] if row else None,
                 after={"methods": methods, "keys_changed": sorted(new), "bank_accounts": len(bank_accounts)})


async def problems(org_id: int, *, bank_transfer_enabled: bool, midtrans_enabled: bool, xendit_enabled: bool,
                   secrets: dict[str, str], bank_accounts: list[dict[str, str]]) -> dict[str, str]:
    """What stops these settings from being saved, per field (a gateway needs its keys, stored or new)."""
    row = await _row(org_id)
    have = {name: bool(secrets.get(name) or (row[name] if row else "")) for name in SECRET_FIELDS}
    errors: dict[str, str] = {}
    if midtrans_enabled and not have["midtrans_server_key"]:
        errors["midtrans_server_key"] = _("Enter the Midtrans server key to offer Midtrans.")
    if xendit_enabled and not have["xendit_secret_key"]:
        errors["xendit_secret_key"] = _("Enter the Xendit secret key to offer Xendit.")
    if xendit_enabled and not have["xendit_callback_token"]:
        errors["xendit_callback_token"] = _("Enter the Xendit callback token to offer Xendit.")
    if bank_transfer_enabled and not bank_accounts:
        errors["bank_accounts"] = _("Add at least one bank account to offer bank transfer.")
    return errors


# One Transport per gateway and event loop (an httpx pool belongs to one loop).
_transports: dict[tuple[str, int], Transport] = {}


def _transport(provider: str) -> Transport:
    loop = asyncio.get_running_loop()
    key = (provider, id(loop))
    if key not in _transports:
        _transports[key] = Transport(platform=provider, redis=redis_client(), timeout=15.0,
                                     breaker=BreakerPolicy(), retry=RetryPolicy(attempts=3, initial=0.2, maximum=2.0),
                                     prefix=get_settings().queue_name)
    return _transports[key]


async def gateway_for(org_id: int, method: str) -> PaymentGateway:
    """The organisation's gateway for `method` (midtrans or xendit), with its own keys."""
    keys = await keys_of(org_id)
    settings = get_settings()
    if method == PaymentMethod.MIDTRANS:
        return MidtransGateway(server_key=keys.midtrans_server_key, transport=_transport("midtrans"),
                               snap_base=settings.payment_host("midtrans_snap_base"),
                               api_base=settings.payment_host("midtrans_api_base"), key=f"org{org_id}")
    return XenditGateway(secret_key=keys.xendit_secret_key, transport=_transport("xendit"),
                         api_base=settings.payment_host("xendit_api_base"), key=f"org{org_id}")


def platform_gateway() -> PaymentGateway:
    """The platform's own Xendit account (BILLING_XENDIT_SECRET_KEY): sellers pay their StoreSync
    plan through it, with the same adapter their buyers pay them through."""
    settings = get_settings()
    return XenditGateway(secret_key=settings.billing_xendit_secret_key, transport=_transport("xendit"),
                         api_base=settings.payment_host("xendit_api_base"), key="platform")


KEY_LABELS = {"midtrans_server_key": N_("Midtrans server key"), "midtrans_client_key": N_("Midtrans client key"),
              "xendit_secret_key": N_("Xendit secret key"), "xendit_callback_token": N_("Xendit callback token")}


def key_label(name: str) -> str:
    """A gateway key's name as people read it (the audit trail's "keys changed")."""
    return _(KEY_LABELS[name])


def method_label(value: str) -> str:
    """A payment method's label (the audit trail's "methods")."""
    return PaymentMethod(value).label()
