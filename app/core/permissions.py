"""The permission matrix: which role may do what. One table, enforced by one guard.

README.md shows this matrix; `tests/accounts/test_permissions.py` walks it role by role.
"""

from __future__ import annotations

from app.core.i18n import N_
from app.core.statuses import Labelled, Role


class Permission(Labelled):
    VIEW = "view"  # dashboards, lists, details
    ORG_MANAGE = "org.manage"  # organisation settings
    MEMBERS_MANAGE = "members.manage"  # invite, change role, remove
    AUDIT_VIEW = "audit.view"
    STORES_MANAGE = "stores.manage"  # connect, pause, disconnect marketplaces
    CATALOG_EDIT = "catalog.edit"
    INVENTORY_ADJUST = "inventory.adjust"  # adjustments, transfers, counts, receiving
    ORDERS_MANAGE = "orders.manage"
    FULFILLMENT = "fulfillment"  # pick, pack, ship
    JOBS_RUN = "jobs.run"  # start syncs, imports, exports
    API_MANAGE = "api.manage"  # REST API keys (Settings -> API)

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"view": N_("See dashboards, lists and details"), "org.manage": N_("Manage the organisation"),
                "members.manage": N_("Manage members"), "audit.view": N_("Read the audit log"),
                "stores.manage": N_("Connect and manage stores"), "catalog.edit": N_("Edit the catalog"),
                "inventory.adjust": N_("Adjust stock"), "orders.manage": N_("Manage orders"),
                "fulfillment": N_("Pick, pack and ship"), "jobs.run": N_("Run syncs, imports and exports"),
                "api.manage": N_("Manage API keys")}


_ALL = frozenset(Permission)

MATRIX: dict[Role, frozenset[Permission]] = {
    Role.OWNER: _ALL,
    Role.ADMIN: _ALL - {Permission.ORG_MANAGE},
    Role.MEMBER: frozenset(
        {
            Permission.VIEW,
            Permission.CATALOG_EDIT,
            Permission.INVENTORY_ADJUST,
            Permission.ORDERS_MANAGE,
            Permission.FULFILLMENT,
            Permission.JOBS_RUN,
        }
    ),
    Role.WAREHOUSE: frozenset({Permission.VIEW, Permission.INVENTORY_ADJUST, Permission.FULFILLMENT}),
    Role.VIEWER: frozenset({Permission.VIEW}),
}

# Roles a person may hand out: nobody grants more than they hold, only owners make owners.
GRANTABLE: dict[Role, tuple[Role, ...]] = {
    Role.OWNER: (Role.OWNER, Role.ADMIN, Role.MEMBER, Role.WAREHOUSE, Role.VIEWER),
    Role.ADMIN: (Role.ADMIN, Role.MEMBER, Role.WAREHOUSE, Role.VIEWER),
}


def allows(role: Role | str, permission: Permission) -> bool:
    try:
        return permission in MATRIX[Role(role)]
    except ValueError:
        return False
