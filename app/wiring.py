"""Who reacts to whom: every cross-domain listener, subscribed in one place.

`register_listeners()` is called by every process that runs domain services: create_app (web),
the worker's start-up, the CLI commands that use services, bench and the test session. Calling it
again changes nothing.
"""

from __future__ import annotations

from app.core.events import subscribe
from app.domains.accounts.events import OrganisationCreated
from app.domains.inventory.locations import first_warehouse
from app.domains.inventory.signals import AvailableChanged
from app.domains.sync.dispatch import push_on_change


def register_listeners() -> None:
    # an organisation starts with one warehouse (in the transaction that created it)
    subscribe(OrganisationCreated, first_warehouse)
    # a stock change, once committed, schedules a push to the stores (one coalesced job)
    subscribe(AvailableChanged, push_on_change)
