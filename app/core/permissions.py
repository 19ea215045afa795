"""The permission matrix: which role may do what. One table, enforced by one guard.

README.md shows this matrix; `tests/accounts/test_permissions.py` walks it role by role.
"""

from __future__ import annotations

from enum import StrEnum

from app.core.statuses import Role


class Permission(StrEnum):
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
