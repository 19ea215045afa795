"""The costs a seller enters beyond what the marketplaces take: ads, packaging, staff ..."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.database import transaction
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import audit, stores
from app.domains.money.reports import Period
from app.domains.money.schemas import ExpenseForm
from app.domains.money.tables import Expense


@dataclass(frozen=True, slots=True)
class ExpenseRow:
    id: int
    spent_on: date
    kind: str
    amount: int
    note: str
    store: int | None


async def add_expense(tenant: Tenant, form: ExpenseForm) -> int:
    """Record one expense (the store, when given, must be this organisation's: NotFound otherwise)."""
    store_id = int(form.store) if form.store else None
    if store_id is not None:
        await stores.get_store(tenant, store_id)
    async with transaction():
        row = tenant.scoped(Expense).new(spent_on=form.spent_on, kind=form.kind.value, amount=form.amount,
                                         note=form.note, store=store_id, created_by=tenant.actor.user_id)
        await row.save()
    await audit.record(tenant.organization_id, tenant.actor, "expense.added", "expense", row.id,
                       after={"day": form.spent_on.isoformat(), "kind": form.kind.value, "amount": form.amount})
    return row.id


async def delete_expense(tenant: Tenant, expense_id: int) -> None:
    row = await tenant.scoped(Expense).get(expense_id, _("Expense not found."))
    await tenant.scoped(Expense).delete().where(Expense.id == row.id)
    await audit.record(tenant.organization_id, tenant.actor, "expense.deleted", "expense", row.id,
                       before={"day": str(row.spent_on), "kind": row.kind, "amount": row.amount})


async def list_expenses(tenant: Tenant, period: Period, *, limit: int = 200) -> list[ExpenseRow]:
    query = tenant.scoped(Expense).select(Expense.id, Expense.spent_on, Expense.kind, Expense.amount, Expense.note,
                                          Expense.store).where(
        (Expense.spent_on >= period.first) & (Expense.spent_on <= period.last))
    if period.store_id is not None:
        query = query.where(Expense.store == period.store_id)
    rows = await query.order_by(Expense.spent_on, ascending=False).order_by(Expense.id, ascending=False).limit(limit)
    return [ExpenseRow(r["id"], r["spent_on"], r["kind"], r["amount"], r["note"], r["store"]) for r in rows]
