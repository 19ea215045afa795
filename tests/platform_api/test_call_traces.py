"""What each API call leaves behind, written in batches: every column of its audit entry as
given, and one flush at a time per process (a call answered while one runs does not start another)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.core.clock import clock_at, utcnow
from app.domains.audit import record_many
from app.domains.audit.tables import AuditEntry
from app.domains.platform_api import usage
from tests.support import make_account


def _entry(organization_id: int, n: int, moment: datetime) -> dict:
    return {"organization": organization_id, "actor": None, "api_key": 7000 + n, "action": "api.call",
            "entity": "api_key", "entity_id": 7000 + n, "after": {"method": "GET", "route": f"/api/v1/r{n}",
                                                                 "status": 200, "note": "kutip \"ganda\" ü"},
            "ip": f"203.0.113.{n}", "created_at": moment + timedelta(microseconds=n)}


async def test_record_many_keeps_every_column_as_given():
    account = await make_account()
    moment = datetime(2026, 3, 9, 8, 15, 30, 123000, tzinfo=ZoneInfo("Asia/Jakarta"))
    await record_many([_entry(account.org_id, n, moment) for n in range(3)])
    rows = await AuditEntry.select(AuditEntry.organization, AuditEntry.actor, AuditEntry.api_key, AuditEntry.action,
                                   AuditEntry.entity, AuditEntry.entity_id, AuditEntry.after, AuditEntry.ip,
                                   AuditEntry.created_at).where(AuditEntry.organization == account.org_id).where(
        AuditEntry.action == "api.call").order_by(AuditEntry.api_key).output(load_json=True)
    expected = [_entry(account.org_id, n, moment) for n in range(3)]
    assert [{**r, "created_at": r["created_at"]} for r in rows] == expected  # aware datetimes compare as instants


async def test_one_flush_at_a_time_and_every_entry_written_once(monkeypatch):
    account = await make_account()
    moment = datetime(2026, 3, 9, 1, 0, tzinfo=ZoneInfo("UTC"))
    asked_during_flush: list[bool] = []
    counted: list[tuple[int, int]] = []

    async def counter(organization_id: int, calls: int) -> None:
        counted.append((organization_id, calls))
        # calls answered while this flush runs: the batch is full, yet none asks for another flush
        asked_during_flush.extend(usage.queue_audit(_entry(account.org_id, 1000 + i, moment))
                                  for i in range(usage.AUDIT_BATCH))

    monkeypatch.setattr(usage, "_counters", [counter])
    monkeypatch.setattr(usage, "_calls", {account.org_id: 5})
    monkeypatch.setattr(usage, "_pending", [])
    asked = [usage.queue_audit(_entry(account.org_id, n, moment)) for n in range(usage.AUDIT_BATCH)]
    assert asked[-1] and not any(asked[:-1])  # the hundredth asks
    # a second flush started while the first runs (at shutdown, say) takes only what came since
    first, second = await asyncio.gather(usage.flush_audit(), usage.flush_audit())
    assert (first, second) == (usage.AUDIT_BATCH, usage.AUDIT_BATCH)
    assert len(asked_during_flush) == usage.AUDIT_BATCH and not any(asked_during_flush)
    assert counted == [(account.org_id, 5)]  # handed over once (the second flush had no calls to hand over)
    assert await usage.flush_audit() == 0
    written = await AuditEntry.select(AuditEntry.api_key).where(AuditEntry.organization == account.org_id).where(
        AuditEntry.action == "api.call")
    keys = [r["api_key"] for r in written]
    assert sorted(keys) == sorted([7000 + n for n in range(usage.AUDIT_BATCH)]
                                  + [8000 + i for i in range(usage.AUDIT_BATCH)])


async def _evalsha_calls() -> int:
    from app.core.redis import redis_client

    stats = await redis_client().info("commandstats")
    return int(stats.get("cmdstat_evalsha", {}).get("calls", 0))


async def test_calls_asking_at_once_share_one_round_trip_and_each_gets_its_own_count(monkeypatch):
    from app.settings import get_settings

    monkeypatch.setattr(get_settings(), "api_calls_per_key_minute", 30)
    monkeypatch.setattr(get_settings(), "api_calls_per_org_minute", 1000)
    account = await make_account()
    other = await make_account()
    await usage.take_call(other.org_id, 1, "v")  # the script loaded (a first EVALSHA may be refused as unknown)
    before = await _evalsha_calls()
    # 40 calls of one key and 5 of another organisation's, all at once (inside one minute's window)
    with clock_at(utcnow().replace(second=20)):
        quotas = await asyncio.gather(*[usage.take_call(account.org_id, 910_000 + account.org_id, "no-such-version")
                                        for _ in range(40)],
                                      *[usage.take_call(other.org_id, 920_000 + other.org_id, "no-such-version")
                                        for _ in range(5)])
    assert await _evalsha_calls() - before == 1
    mine, theirs = quotas[:40], quotas[40:]
    assert sorted(q.remaining for q in mine) == list(range(-10, 30))  # each call its own count, in turn
    assert [q.refused for q in mine].count(True) == 10
    assert [q.mark_used for q in mine].count(True) == 1  # the key's last use: noted by one call only
    assert [q.remaining for q in theirs] == [29, 28, 27, 26, 25] and not any(q.refused for q in theirs)
    assert all(q.key_version == 0 for q in quotas)
