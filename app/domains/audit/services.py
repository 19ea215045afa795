"""The audit trail: `record()` after every change a person makes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.core.database import is_postgres
from app.core.records import from_rows
from app.core.tenancy import Actor, Tenant
from app.domains.audit.tables import AuditEntry


async def record(
    organization_id: int | None,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one audit entry: who did `action` to which row, what it was and became, from where."""
    await AuditEntry.insert(
        AuditEntry(
            organization=organization_id,
            actor=actor.user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
            ip=actor.ip,
            api_key=actor.api_key_id,
        )
    )


API_CALL_COLUMNS = ("organization", "actor", "api_key", "action", "entity", "entity_id", "after", "ip", "created_at")


# record_many's entries travel as one JSON parameter, unpacked by the database: a statement with
# a placeholder per value (900 for a batch of 100) cost the web process more to build than the
# calls it records.
_PG_UNPACK = ("SELECT {cols} FROM jsonb_to_recordset({{}}::jsonb) AS r(organization integer, actor integer, "
              "api_key integer, action varchar, entity varchar, entity_id integer, after json, ip varchar, "
              "created_at timestamptz)").format(cols=", ".join(API_CALL_COLUMNS))
_SQLITE_UNPACK = "SELECT {} FROM json_each({{}})".format(
    ", ".join(f"json_extract(value, '$.{c}')" for c in API_CALL_COLUMNS))


async def record_many(entries: list[dict[str, Any]]) -> None:
    """Append many entries in one statement (the API's per-call entries, written in batches); each
    dict holds AuditEntry's columns by name (those of API_CALL_COLUMNS; `after` a dict, `created_at`
    an aware datetime)."""
    if not entries:
        return
    postgres = is_postgres()
    rows = []
    for entry in entries:
        row = {c: entry.get(c) for c in API_CALL_COLUMNS}
        moment: datetime = entry["created_at"]  # as each engine stores a moment (Piccolo keeps SQLite's as UTC text)
        row["created_at"] = moment.isoformat() if postgres else str(moment.astimezone(UTC))
        rows.append(row)
    await AuditEntry.raw(f"INSERT INTO audit_entry ({', '.join(API_CALL_COLUMNS)}) "
                         + (_PG_UNPACK if postgres else _SQLITE_UNPACK), json.dumps(rows))


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audit entry as stored, with the actor's e-mail (None for the system)."""

    id: int
    organization: int | None
    actor: int | None
    actor_email: str | None
    action: str
    entity: str
    entity_id: int | None
    before: Any
    after: Any
    ip: str | None
    created_at: datetime
    api_key: int | None = None  # the API key that acted (actor is then None)


async def recent(tenant: Tenant, limit: int = 100) -> list[AuditRecord]:
    """The organisation's latest audit entries, newest first, with the actor's e-mail."""
    return from_rows(AuditRecord,
        await tenant.scoped(AuditEntry)
        .select(AuditEntry.all_columns(), AuditEntry.actor.email.as_alias("actor_email"))
        .order_by(AuditEntry.id, ascending=False)
        .limit(limit)
        .output(load_json=True)
    )
