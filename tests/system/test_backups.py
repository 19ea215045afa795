"""`storesync backup` and `storesync restore` as real processes, on the engine under test
(TEST_ENGINE): a busy organisation comes back row for row in a fresh database, and restores that
would lose or garble data are refused with a message, changing nothing."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography.fernet import Fernet

from app.core.clock import utcnow
from app.core.media import media_dir, save_image
from app.core.secrets import decrypt, derived_key
from app.domains.audit.services import record
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.jobs.tables import BackgroundJob
from app.domains.stores.services import connect_shop
from app.domains.system import backups
from app.integrations.base import Platform, ShopInfo, TokenSet
from app.settings import get_settings
from tests.fulfillment.factories import ready_order, stocked_variant
from tests.inventory.factories import make_location, tenant_of
from tests.migrations.schema_dump import pg_admin
from tests.support import ROOT, make_account, spawn, stop, unique

ENGINE = os.environ.get("TEST_ENGINE", "sqlite")
PG_BASE = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def run_cli(args: list[str], **env: str) -> tuple[int, str]:
    """Run one storesync command to its end; its exit code and everything it printed."""
    proc = spawn(args, **env)
    try:
        code = proc.wait(timeout=180)
    except subprocess.TimeoutExpired:
        code = -1
    return code, stop(proc)


# -- a busy organisation --------------------------------------------------------------------------


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 60)).save(buffer, "PNG")
    return buffer.getvalue()


async def busy_organisation() -> dict:
    """Stores with encrypted tokens, products, stock moved several ways, orders, jobs, audit, a photo."""
    account = await make_account()
    tenant = tenant_of(account)
    tokens = {}
    for platform in (Platform.SHOPEE, Platform.TIKTOK):
        plain = unique(f"{platform}-access-")
        tokens[platform] = plain
        await connect_shop(tenant, platform, TokenSet(
            access_token=plain, refresh_token=unique("refresh-"), access_expires_at=utcnow() + timedelta(hours=4),
            refresh_expires_at=utcnow() + timedelta(days=30)), ShopInfo(shop_id=unique("9"), name=f"Toko {platform}"))
    variants = [await stocked_variant(tenant, units=20, name=f"Kaos {i}") for i in range(3)]
    home = (await default_location(tenant))["id"]
    annex = (await make_location(tenant))["id"]
    await stock.transfer(tenant, variants[0]["id"], home, annex, 5, reason="restock annex")
    await stock.adjust(tenant, variants[1]["id"], home, -2, reason="damaged")
    orders = [await ready_order(tenant, [(variants[0], 2), (variants[2], 1)]),
              await ready_order(tenant, [(variants[1], 3)], customer="Budi")]
    job = BackgroundJob(organization=tenant.organization_id, kind="import_catalog", label="Catalog import",
                        saq_key=f"bg:{unique()}", status="complete", done=3, total=3,
                        result={"created": 3, "errors": 0}, created_by=account.user_id)
    await job.save()
    await record(tenant.organization_id, tenant.actor, "catalog.imported", "background_job", job.id,
                 after={"created": 3})
    photo = await asyncio.to_thread(save_image, tenant.organization_id, _png())
    return {"account": account, "tokens": tokens, "orders": orders, "photo": photo}


# -- reading whole databases ----------------------------------------------------------------------


async def every_row(engine: str, *, dsn: str = "", path: Path | None = None) -> dict[str, list]:
    """Every row of every table (sorted), listed from the catalogue directly, not through the code
    under test; on PostgreSQL also where each sequence stands."""
    if engine == "sqlite":
        return await asyncio.to_thread(_sqlite_rows, path)
    import asyncpg

    connection = await asyncpg.connect(dsn)
    try:
        tables = [r["tablename"] for r in await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        found = {t: sorted((tuple(r) for r in await connection.fetch(f'SELECT * FROM "{t}"')), key=repr)
                 for t in tables}
        found["(sequences)"] = sorted(tuple(r) for r in await connection.fetch(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"))
        return found
    finally:
        await connection.close()


def _sqlite_rows(path: Path) -> dict[str, list]:
    connection = sqlite3.connect(path)
    try:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
        return {t: sorted(connection.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        connection.close()


async def source_rows() -> dict[str, list]:
    settings = get_settings()
    return await every_row(ENGINE, dsn=settings.database_url, path=settings.sqlite_path)


class FreshTarget:
    """A new, empty database (PostgreSQL) or VAR_DIR (SQLite), and the environment that points at it."""

    def __init__(self) -> None:
        self.var_dir = Path(tempfile.mkdtemp(prefix="storesync-restore-"))
        self.name = f"storesync_restore_{unique()}"
        self.dsn = urlsplit(PG_BASE)._replace(path=f"/{self.name}").geturl() if ENGINE == "postgres" else ""

    async def __aenter__(self) -> FreshTarget:
        if ENGINE == "postgres":
            await pg_admin(f'CREATE DATABASE "{self.name}"')
        return self

    async def __aexit__(self, *exc) -> None:
        if ENGINE == "postgres":
            await pg_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    @property
    def env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.dsn, "VAR_DIR": str(self.var_dir)}

    @property
    def database(self) -> backups.Database:
        if ENGINE == "postgres":
            return backups.Database(backups.POSTGRES, dsn=self.dsn)
        return backups.Database(backups.SQLITE, sqlite_path=self.var_dir / "storesync.sqlite")

    async def store_tokens(self, organization_id: int) -> list[tuple[str, str]]:
        sql = f"SELECT platform, access_token FROM store WHERE organization = {int(organization_id)}"
        if ENGINE == "postgres":
            import asyncpg

            connection = await asyncpg.connect(self.dsn)
            try:
                return [tuple(r) for r in await connection.fetch(sql)]
            finally:
                await connection.close()
        connection = sqlite3.connect(self.var_dir / "storesync.sqlite")
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    async def rows(self) -> dict[str, list]:
        return await every_row(ENGINE, dsn=self.dsn, path=self.var_dir / "storesync.sqlite")


# -- the round trip -------------------------------------------------------------------------------


async def test_a_busy_organisation_comes_back_row_for_row_in_a_fresh_database(tmp_path):
    busy = await busy_organisation()
    file = tmp_path / "nightly.tar"
    code, printed = run_cli(["backup", "--output", str(file)])
    assert code == 0, printed
    assert "Backup of the" in printed and file.is_file()
    assert oct(file.stat().st_mode & 0o777) == "0o600"
    before = await source_rows()
    assert {"store", "stock_movement", "order", "background_job", "audit_entry", "variant"} <= set(before)
    assert all(before[t] for t in ("store", "stock_movement", "order", "background_job", "audit_entry"))

    manifest = backups.read_manifest(file)
    assert manifest["engine"] == ("postgresql" if ENGINE == "postgres" else "sqlite")
    assert manifest["migrations"]["orders"] and manifest["created_at"] and manifest["storesync_version"]
    assert decrypt(manifest["secret_sample"])  # one of the stored tokens, still encrypted in the file

    async with FreshTarget() as target:
        code, printed = run_cli(["restore", str(file)], **target.env)
        assert code == 0, printed
        assert "Restored" in printed
        after = await target.rows()
        assert sorted(after) == sorted(before)
        for table in before:
            assert after[table] == before[table], f"table {table} differs after the restore"
        # Tokens are restored as stored and still decrypt with the same keys.
        tokens = await target.store_tokens(busy["account"].org_id)
        assert {platform: decrypt(token) for platform, token in tokens} == busy["tokens"]
        # The photo came along, byte for byte.
        name = busy["photo"].rsplit("/", 1)[1]
        original = media_dir(busy["account"].org_id) / name
        restored = target.var_dir / "media" / str(busy["account"].org_id) / name
        assert restored.read_bytes() == original.read_bytes()

        # A second restore into what is no longer empty is refused and changes nothing ...
        code, printed = run_cli(["restore", str(file)], **target.env)
        assert code == 1 and "is not empty" in printed and "--force" in printed
        assert await target.rows() == after
        # ... unless forced, which replaces it with the backup again.
        code, printed = run_cli(["restore", str(file), "--force"], **target.env)
        assert code == 0, printed
        assert await target.rows() == after


async def test_restore_refuses_keys_that_cannot_decrypt_the_stored_tokens_unless_forced(tmp_path):
    await busy_organisation()
    file = tmp_path / "keys.tar"
    await backups.backup(backups.Database.from_settings(get_settings()), file)
    other_key = Fernet.generate_key().decode()
    # Another installation: other keys and another SECRET_KEY (whose derived keys always decrypt too).
    other_secret = "another-installation-secret-key-0123456789"
    async with FreshTarget() as target:
        code, printed = run_cli(["restore", str(file)], ENCRYPTION_KEYS=other_key, SECRET_KEY=other_secret,
                                **target.env)
        assert code == 1 and "encrypted with a key this installation does not have" in printed
        assert "ENCRYPTION_KEYS" in printed and "--force" in printed
        assert not await backups.user_tables(target.database)
        # The old key listed after a new one (a rotation) decrypts: no refusal.
        old = get_settings().encryption_keys or derived_key(get_settings().secret_key)
        code, printed = run_cli(["restore", str(file)], ENCRYPTION_KEYS=f"{other_key},{old}", SECRET_KEY=other_secret,
                                **target.env)
        assert code == 0, printed


async def test_restore_with_foreign_keys_goes_ahead_when_forced(tmp_path):
    await busy_organisation()
    file = tmp_path / "forced.tar"
    await backups.backup(backups.Database.from_settings(get_settings()), file)
    async with FreshTarget() as target:
        code, printed = run_cli(["restore", str(file), "--force"], ENCRYPTION_KEYS=Fernet.generate_key().decode(),
                                **target.env)
        assert code == 0, printed
        assert await backups.holds_rows(target.database)


# -- files that must not be restored --------------------------------------------------------------


def rewrite_manifest(source: Path, target: Path, change) -> None:
    with tarfile.open(source, "r:*") as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read() if member.isfile() else None
            if member.name == backups.MANIFEST:
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data) if data is not None else None)


async def test_a_newer_schema_or_the_other_engine_is_refused_before_anything_changes(tmp_path):
    await make_account()
    file = tmp_path / "base.tar"
    await backups.backup(backups.Database.from_settings(get_settings()), file)
    newer = tmp_path / "newer.tar"
    rewrite_manifest(file, newer, lambda m: m["migrations"]["orders"].append("2099-01-01T00:00:00:000000"))
    other = tmp_path / "other.tar"
    rewrite_manifest(file, other, lambda m: m.update(engine="sqlite" if ENGINE == "postgres" else "postgresql"))
    async with FreshTarget() as target:
        with pytest.raises(backups.BackupError) as refused:
            await backups.restore(target.database, newer, decrypt=decrypt)
        assert "newer schema" in refused.value.message and "orders/2099-01-01" in refused.value.message
        with pytest.raises(backups.BackupError) as refused:
            await backups.restore(target.database, other, decrypt=decrypt, force=True)
        assert "This backup was made from" in refused.value.message
        assert not await backups.user_tables(target.database)
        # The untouched file restores.
        code, printed = run_cli(["restore", str(file)], **target.env)
        assert code == 0, printed


async def test_a_file_that_is_not_a_backup_is_refused_with_a_message(tmp_path):
    junk = tmp_path / "notes.tar"
    junk.write_bytes(b"sku,name\nA,B\n")
    async with FreshTarget() as target:
        code, printed = run_cli(["restore", str(junk)], **target.env)
        assert code == 1 and "is not a StoreSync backup" in printed
        code, printed = run_cli(["restore", str(tmp_path / "missing.tar")], **target.env)
        assert code == 1 and "does not exist" in printed


@pytest.mark.skipif(ENGINE != "postgres", reason="only PostgreSQL backups use external tools")
async def test_missing_or_too_old_pg_dump_is_a_clear_message(tmp_path):
    code, printed = run_cli(["backup", "--output", str(tmp_path / "x.tar")], PATH=str(tmp_path / "empty"))
    assert code == 1 and "pg_dump was not found on PATH" in printed
    tools = tmp_path / "old-tools"
    tools.mkdir()
    fake = tools / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(0o755)
    code, printed = run_cli(["backup", "--output", str(tmp_path / "x.tar")], PATH=f"{tools}:{os.environ['PATH']}")
    assert code == 1 and "pg_dump 9 cannot dump a PostgreSQL" in printed
    assert not (tmp_path / "x.tar").exists()


async def test_a_backup_taken_while_stock_moves_holds_a_ledger_that_adds_up(tmp_path):
    tenant = tenant_of(await make_account())
    variant = await stocked_variant(tenant, units=1000)
    home = (await default_location(tenant))["id"]
    file = tmp_path / "live.tar"
    taking = asyncio.create_task(backups.backup(backups.Database.from_settings(get_settings()), file))
    sold = 0
    while (not taking.done() or sold < 5) and sold < 400:
        await stock.adjust(tenant, variant["id"], home, -1, reason="sold at the counter")
        sold += 1
    await taking
    async with FreshTarget() as target:
        await backups.restore(target.database, file, decrypt=decrypt)
        level = await backups.fetch_rows(target.database, f"SELECT on_hand FROM stock_level WHERE variant = {variant['id']}")
        ledger = await backups.fetch_rows(target.database, "SELECT sum(on_hand_delta) FROM stock_movement "
                                                       f"WHERE variant = {variant['id']}")
    assert level[0][0] == ledger[0][0]
    assert 1000 - sold <= level[0][0] <= 1000


async def test_an_older_backup_is_restored_and_then_migrated_forward(tmp_path):
    # The source is a database as it was before the mail domain's migration (nothing depends on
    # mail): migrated, then that migration run backwards, which drops its table and its record.
    newest = max(backups.code_migrations()["mail"])
    file = tmp_path / "older.tar"
    async with FreshTarget() as source:
        code, printed = run_cli(["migrate"], **source.env)
        assert code == 0, printed
        done = await asyncio.to_thread(
            subprocess.run, [str(Path(sys.executable).parent / "piccolo"), "migrations", "backwards", "mail",
                             "--auto_agree"], cwd=ROOT, capture_output=True, text=True,
            timeout=180, env={**get_settings().child_env(), **source.env, "PICCOLO_CONF": "piccolo_conf"})
        assert done.returncode == 0, done.stdout + done.stderr
        assert "outgoing_mail" not in await backups.user_tables(source.database)
        code, printed = run_cli(["backup", "--output", str(file)], **source.env)
        assert code == 0, printed
    assert newest not in backups.read_manifest(file)["migrations"].get("mail", [])
    async with FreshTarget() as target:
        code, printed = run_cli(["restore", str(file)], **target.env)
        assert code == 0, printed
        assert "Applied 1 migration(s) newer than the backup" in printed
        names = await backups.fetch_rows(target.database, "SELECT name FROM migration WHERE app_name = 'mail'")
        assert newest in {n for (n,) in names}
        assert "outgoing_mail" in await backups.user_tables(target.database)
