"""Put a published listing on sale, or take a live one off sale, from StoreSync.

The request records the intent (the item's rows wait for the new state) and starts a job; the job
asks the marketplace (a SaleSwitcher adapter) and records the new state, or the platform's refusal in
its words, on every row of the item. No marketplace call inside a request or a transaction.
"""

from __future__ import annotations

from typing import Any

from app.core.errors import ValidationFailed
from app.core.i18n import N_, _, read
from app.core.tenancy import Tenant
from app.domains import listings, stores
from app.domains.audit import record
from app.integrations import errors
from app.integrations.base import SaleSwitcher

ListingState = listings.ListingState
NOT_CONNECTED = N_("This store is not connected now: resume or reconnect it to put listings on sale or take them "
                   "off sale.")


def target_state(value: object) -> ListingState:
    """The posted ``to`` field (live or unlisted) as a ListingState; ValidationFailed otherwise."""
    text = str(value or "").strip()
    if text not in (ListingState.LIVE.value, ListingState.UNLISTED.value):
        raise ValidationFailed({"to": _("Choose whether to put the listing on sale or take it off sale.")})
    return ListingState(text)


async def _check_store(tenant: Tenant, store_id: int) -> Any:
    store = await stores.get_store(tenant, store_id)
    if store.status != stores.StoreStatus.ACTIVE:
        raise ValidationFailed({"platform": _(NOT_CONNECTED)})
    async with stores.open_adapter(store.platform) as adapter:
        if not isinstance(adapter, SaleSwitcher):
            raise ValidationFailed({"platform": _("This marketplace cannot put listings on sale from StoreSync yet.")})
    return store


async def ask(tenant: Tenant, listing_id: int, state: ListingState) -> listings.SaleTarget:
    """Record that the listing's item should become `state` (the caller starts the job); NotFound for
    another organisation's listing, ValidationFailed when the store is not connected, Conflict when
    the listing is not in a state this applies to or a change is already waiting."""
    target = await listings.sale_target(tenant, listing_id)
    await _check_store(tenant, target.store_id)
    await listings.ask_sale_change(tenant, target, state)
    return target


async def forget(tenant: Tenant, target: listings.SaleTarget) -> None:
    """The job could not be started: the item stops waiting, and says so."""
    await listings.record_sale_refusal(tenant, target, N_("The change could not be started. Please try again."))


async def change_sale(tenant: Tenant, listing_id: int, state: ListingState) -> str:
    """The job's work: ask the marketplace, then record the new state (returns "") or the refusal
    in the platform's words (returns it). An unexpected failure clears the wait and is raised."""
    target = await listings.sale_target(tenant, listing_id)
    try:
        store = await _check_store(tenant, target.store_id)
        async with stores.open_adapter(store.platform) as adapter:
            assert isinstance(adapter, SaleSwitcher)
            await adapter.set_on_sale(stores.connection_for(tenant, store, adapter), target.item_id,
                                      state == ListingState.LIVE, target.variant_ids)
    except ValidationFailed as exc:
        reason = " ".join(exc.errors.values())
    except errors.ListingRefused as refused:
        reason = refused.detail
    except errors.IntegrationError as exc:
        reason = str(exc.seller_message)  # an English msgid: shown translated (read) where it is read
    except BaseException:
        await listings.record_sale_refusal(tenant, target, N_("The marketplace could not complete this request."))
        raise
    else:
        await listings.record_sale_state(tenant, target, state.value)
        await record(tenant.organization_id, tenant.actor, "listing.sale_changed", "listing", target.listing_id,
                     before={"listing_state": target.listing_state},
                     after={"listing_state": state.value, "store": target.store_id, "item": target.item_id})
        return ""
    await listings.record_sale_refusal(tenant, target, reason)
    await record(tenant.organization_id, tenant.actor, "listing.sale_refused", "listing", target.listing_id,
                 before={"listing_state": target.listing_state},
                 after={"asked": state.value, "store": target.store_id, "item": target.item_id, "reason": reason})
    return read(reason)
