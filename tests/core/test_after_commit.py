"""Work that talks to the network (enqueueing a push, sending mail) waits for the commit of the
transaction that asked for it, and never happens for one that rolled back."""

from __future__ import annotations

import pytest

from app.core import events
from app.core.database import after_commit, engine, transaction
from app.domains.inventory import signals, stock
from app.domains.inventory.locations import default_location
from tests.inventory.factories import make_variant, tenant_of


@pytest.fixture
def heard():
    """A listener of 'available changed' that notes whether a transaction was still open."""
    calls: list[tuple[int, bool]] = []

    async def listener(event: signals.AvailableChanged) -> None:
        calls.append((event.organization_id, engine().current_transaction.get() is not None))

    events.subscribe(signals.AvailableChanged, listener)
    yield calls
    events.unsubscribe(signals.AvailableChanged, listener)


async def test_a_stock_change_inside_a_transaction_is_signalled_after_its_commit_only(owner, heard):
    tenant = tenant_of(owner)
    variant = await make_variant(tenant)
    location = (await default_location(tenant))["id"]

    async with transaction():
        await stock.receive(tenant, variant["id"], location, 3)
        assert heard == [], "signalled before the commit"
    assert heard == [(owner.org_id, False)]

    with pytest.raises(RuntimeError):
        async with transaction():
            await stock.receive(tenant, variant["id"], location, 2)
            raise RuntimeError("undo")
    assert heard == [(owner.org_id, False)], "signalled for a rolled-back change"

    await stock.receive(tenant, variant["id"], location, 1)  # no transaction around it: at once
    assert heard == [(owner.org_id, False)] * 2


async def test_after_commit_runs_each_callback_once_after_the_outermost_commit():
    ran: list[str] = []

    async def note(what: str) -> None:
        ran.append(what)

    async with transaction():
        await after_commit(lambda: note("outer"))
        async with transaction():  # nested: part of the outer one
            await after_commit(lambda: note("inner"))
        assert ran == []
    assert ran == ["outer", "inner"]
    await after_commit(lambda: note("no transaction"))
    assert ran[-1] == "no transaction"
