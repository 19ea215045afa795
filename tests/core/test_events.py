"""Events between domains: listeners run in order, once however often wiring runs, and the
reactions that matter happen (an organisation gets its first warehouse, in its transaction)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.core import events
from app.domains.accounts.events import OrganisationCreated
from app.domains.accounts.members import create_organization
from app.domains.accounts.tables import Organization
from app.domains.inventory.signals import AvailableChanged
from app.domains.inventory.tables import Location
from app.wiring import register_listeners
from tests.support import make_account


@dataclass(frozen=True)
class Pinged(events.Event):
    n: int


@dataclass(frozen=True)
class PingedAfterCommit(events.Event):
    n: int
    contained = True


async def test_listeners_run_in_subscription_order_and_a_second_subscription_is_ignored():
    heard: list[str] = []

    async def first(event: Pinged) -> None:
        heard.append(f"first {event.n}")

    async def second(event: Pinged) -> None:
        heard.append(f"second {event.n}")

    for listener in (first, second, first):
        events.subscribe(Pinged, listener)
    try:
        await events.emit(Pinged(1))
    finally:
        events.unsubscribe(Pinged, first)
        events.unsubscribe(Pinged, second)
    assert heard == ["first 1", "second 1"]
    await events.emit(Pinged(2))  # nobody listens any more
    assert heard == ["first 1", "second 1"]


async def test_a_failing_listener_fails_the_emitter_unless_the_event_is_contained():
    heard: list[int] = []

    async def broken(event) -> None:
        raise RuntimeError("listener broke")

    async def after(event) -> None:
        heard.append(event.n)

    for kind in (Pinged, PingedAfterCommit):
        events.subscribe(kind, broken)
        events.subscribe(kind, after)
    try:
        with pytest.raises(RuntimeError):
            await events.emit(Pinged(1))
        await events.emit(PingedAfterCommit(2))  # logged; the next listener still runs
    finally:
        for kind in (Pinged, PingedAfterCommit):
            events.unsubscribe(kind, broken)
            events.unsubscribe(kind, after)
    assert heard == [2]


def test_wiring_twice_subscribes_each_listener_once():
    register_listeners()
    before = {kind: events.listeners_of(kind) for kind in (OrganisationCreated, AvailableChanged)}
    register_listeners()
    assert {kind: events.listeners_of(kind) for kind in before} == before
    assert all(listeners and len(set(listeners)) == len(listeners) for listeners in before.values())


async def test_a_further_organisation_starts_with_its_own_warehouse():
    owner = await make_account()
    org_id = await create_organization(owner.user_id, "Toko Kedua", ip="127.0.0.1")
    rows = await Location.select(Location.code, Location.active).where(Location.organization == org_id)
    assert rows == [{"code": "GU", "active": True}]


async def test_a_warehouse_listener_that_fails_leaves_no_organisation_behind():
    owner = await make_account()

    async def refuse(event: OrganisationCreated) -> None:
        raise RuntimeError("no warehouse today")

    events.subscribe(OrganisationCreated, refuse)
    try:
        with pytest.raises(RuntimeError):
            await create_organization(owner.user_id, "Toko Gagal", ip="127.0.0.1")
    finally:
        events.unsubscribe(OrganisationCreated, refuse)
    assert not await Organization.exists().where(Organization.name == "Toko Gagal")


@dataclass(frozen=True)
class _Happened(events.Event):
    n: int


async def test_a_burst_reaches_a_batch_listener_once_per_type_and_a_plain_listener_per_event():
    plain: list[_Happened] = []
    batches: list[list[_Happened]] = []

    async def each(event: _Happened) -> None:
        plain.append(event)

    async def burst(group: list[_Happened]) -> None:
        batches.append(list(group))

    events.subscribe(_Happened, each)
    events.subscribe_batch(_Happened, burst)
    try:
        first, second = _Happened(1), _Happened(2)
        await events.emit_all([first, second])
        await events.emit(first)
    finally:
        events.unsubscribe(_Happened, each)
        events.unsubscribe(_Happened, burst)
    assert plain == [first, second, first]
    assert batches == [[first, second], [first]]
    assert events.listeners_of(_Happened) == []
