"""Tenancy: the organisation is the tenant, and every tenant-owned query goes through `Tenant`.

A `Tenant` is built from the session (never from a form field or URL) and handed to services.
`tenant.scoped(Table)` gives queries already filtered by the organisation; `get()` raises NotFound
for another tenant's id exactly as for an id that does not exist, so nobody can infer other rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from piccolo.table import Table

from app.core.errors import NotFound
from app.core.statuses import Role

T = TypeVar("T", bound=Table)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: a person (user id), an API key (api_key_id) or the system (both None), and from where."""

    user_id: int | None
    ip: str | None = None
    email: str | None = None
    api_key_id: int | None = None


@dataclass(frozen=True, slots=True)
class Tenant:
    """The organisation a request or a job acts in, plus the actor and their role there."""

    organization_id: int
    actor: Actor = field(default_factory=lambda: Actor(None))
    role: Role = Role.OWNER
    timezone: str = "Asia/Jakarta"
    currency: str = "IDR"

    def scoped(self, table: type[T]) -> Scoped[T]:
        return Scoped(table, self.organization_id)


# Each table's organization column (None: not tenant-owned), looked up once per process: a Scoped
# is made for nearly every query, and reading a foreign key column's metadata goes through
# Piccolo's ForeignKey.__getattribute__ (a website checkout made some twenty of them).
_organization_columns: dict[type[Table], Any] = {}


def _organization_column(table: type[Table]) -> Any:
    if table not in _organization_columns:
        owned = "organization" in {c._meta.name for c in table._meta.columns}
        _organization_columns[table] = table._meta.get_column_by_name("organization") if owned else None
    return _organization_columns[table]


class Scoped(Generic[T]):
    """Queries on one tenant-owned table, always filtered by one organisation."""

    def __init__(self, table: type[T], organization_id: int) -> None:
        column = _organization_column(table)
        if column is None:
            raise TypeError(f"{table.__name__} has no organization column; it is not tenant-owned")
        self.table = table
        self.organization_id = organization_id
        self._filter = column == organization_id

    def select(self, *columns: Any):
        return self.table.select(*columns).where(self._filter)

    def objects(self):
        return self.table.objects().where(self._filter)

    def count(self):
        return self.table.count().where(self._filter)

    def exists(self):
        return self.table.exists().where(self._filter)

    def update(self, values: dict[Any, Any]):
        return self.table.update(values).where(self._filter)

    def delete(self):
        return self.table.delete().where(self._filter)

    def new(self, **values: Any) -> T:
        """A row of this tenant, not yet saved."""
        values.pop("organization", None)
        return self.table(organization=self.organization_id, **values)

    async def get(self, row_id: int | str | None, message: str = "Not found.") -> T:
        """The row with this id in this organisation, or NotFound (also for other tenants' ids)."""
        try:
            pk = int(row_id)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise NotFound(message) from None
        row = await self.objects().where(self.table._meta.primary_key == pk).first()
        if row is None:
            raise NotFound(message)
        return row


def tenant_tables() -> list[type[Table]]:
    """Every registered table that is tenant-owned (has an organization column)."""
    from piccolo.conf.apps import Finder

    return [
        t
        for t in Finder().get_table_classes()
        if "organization" in {c._meta.name for c in t._meta.columns} and t._meta.tablename != "organization"
    ]
