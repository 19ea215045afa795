"""The `storesync` command: serve, worker, migrate, demo, createsuperuser, backup, restore, run, sandbox."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import multiprocessing
import os
import sys

from app.settings import PROJECT_ROOT, get_settings

log = logging.getLogger("storesync")


def _prepare() -> None:
    # piccolo_conf.py sits at the project root; make it importable however we were started.
    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
    from app.core.log_redaction import install_log_redaction

    install_log_redaction()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


async def _with_db(coro_fn):
    from app.core.database import start_database, stop_database
    from app.wiring import register_listeners

    register_listeners()
    await start_database()
    try:
        return await coro_fn()
    finally:
        await stop_database()


def cmd_migrate(_args) -> None:
    from app.core.database import migrate

    asyncio.run(migrate())
    print("Database is up to date.")


def _migrate_and_seed() -> dict:
    from app.core.database import migrate
    from app.demo import seed_demo

    async def go():
        await migrate()
        return await _with_db(seed_demo)

    return asyncio.run(go())


def cmd_demo(_args) -> None:
    _print_login(_migrate_and_seed())


def _print_login(info, url: str | None = None) -> None:
    settings = get_settings()
    print("\n" + "=" * 64)
    print(f"  StoreSync demo: {url or settings.base_url}")
    if url and settings.base_url.rstrip("/") != url:
        print(f"  (public URL in links: {settings.base_url})")
    print(f"  Log in as {info['email']} / {info['password']}  (Toko Demo, owner)")
    print("=" * 64 + "\n", flush=True)


def cmd_createsuperuser(args) -> None:
    from app.domains.accounts.services import create_user

    password = args.password or getpass.getpass("Password: ")
    user_id = asyncio.run(_with_db(lambda: create_user(args.email, password, args.name or args.email, superuser=True)))
    print(f"Superuser {args.email} created (id {user_id}). They can open /admin.")


def cmd_backup(args) -> None:
    """Write the database (and uploaded photos) to one file; see app/domains/system/backups.py."""
    from pathlib import Path

    from app.domains.system import backups

    settings = get_settings()
    output = Path(args.output) if args.output else backups.default_output()
    try:
        outcome = asyncio.run(backups.backup(backups.Database.from_settings(settings), output,
                                             media_dir=settings.var_dir / "media"))
    except backups.BackupError as exc:
        sys.exit(f"Backup refused: {exc.message}")
    except OSError as exc:  # the output folder is not writable, the disk is full, ...
        sys.exit(f"Backup failed: {exc}")
    manifest = outcome.manifest
    print(f"Backup of the {manifest['engine']} database written to {output.resolve()} "
          f"({outcome.tables} tables, {sum(len(ids) for ids in manifest['migrations'].values())} migrations applied, "
          f"StoreSync {manifest['storesync_version']}).")


def cmd_restore(args) -> None:
    """Restore a backup file into the configured database, which must be empty unless --force."""
    from pathlib import Path

    from app.core.database import migrate
    from app.core.secrets import decrypt
    from app.domains.system import backups

    settings = get_settings()
    database = backups.Database.from_settings(settings)
    try:
        outcome = asyncio.run(backups.restore(database, Path(args.file), decrypt=decrypt,
                                              media_dir=settings.var_dir / "media", force=args.force))
    except backups.BackupError as exc:
        sys.exit(f"Restore refused: {exc.message}")
    except OSError as exc:
        sys.exit(f"Restore failed: {exc}")
    print(f"Restored {outcome.rows} rows in {outcome.tables} tables into the {database.label} "
          f"(backup of {outcome.manifest['created_at']}, StoreSync {outcome.manifest['storesync_version']}).")
    if outcome.pending_migrations:
        asyncio.run(migrate())
        print(f"Applied {outcome.pending_migrations} migration(s) newer than the backup.")


def _add_backup_commands(sub) -> None:
    p = sub.add_parser("backup", help="write the database (and uploaded photos) to one file")
    p.add_argument("--output", "-o", help="the file to write (default: storesync-backup-<UTC time>.tar here)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup file into an empty database")
    p.add_argument("file", help="a file written by `storesync backup`")
    p.add_argument("--force", action="store_true",
                   help="replace a database that is not empty; restore even when the current keys cannot "
                   "decrypt the backup's marketplace tokens")
    p.set_defaults(func=cmd_restore)


def proxy_options(settings) -> dict:
    """uvicorn believes X-Forwarded-For/-Proto only from the proxies TRUSTED_PROXIES names.

    uvicorn's own default trusts 127.0.0.1 (or $FORWARDED_ALLOW_IPS), which would let any local
    process choose the client address the login throttle and the audit trail see."""
    proxies = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies or ""}


def _refuse_unsafe_deployment() -> None:
    from app.core.security import UnsafeDeployment, check_deployment

    try:
        check_deployment(get_settings(), warn=False)
    except UnsafeDeployment as exc:
        print(exc, file=sys.stderr, flush=True)
        raise SystemExit(2) from None


def server_options() -> dict:
    """uvicorn's settings for `storesync serve`, which the benchmark's bare route shares (bench/http.py),
    so its ratios compare like with like: the C HTTP parser (httptools) and event loop (uvloop),
    dependencies of the package, named explicitly; the pure-Python ones only where those are not
    installed (their markers leave them out on PyPy and Windows)."""
    import importlib.util

    return {"http": "httptools" if importlib.util.find_spec("httptools") else "h11",
            "loop": "uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
            "log_level": "info", "timeout_graceful_shutdown": 5}


def _run_uvicorn(host: str, port: int, workers: int) -> None:
    import uvicorn

    from app.core.redis import ensure_redis

    ensure_redis()
    config = uvicorn.Config("app.asgi:app", host=host, port=port, workers=workers if workers > 1 else None,
                            **server_options(), **proxy_options(get_settings()))
    server = uvicorn.Server(config)
    if workers > 1:
        from uvicorn.supervisors import Multiprocess

        sock = config.bind_socket()
        Multiprocess(config, sockets=[sock]).run()  # each child builds its own server from config
    else:
        server.run()


def cmd_serve(args) -> None:
    _refuse_unsafe_deployment()
    settings = get_settings()
    if args.with_worker:
        settings.run_worker_in_web = True
        os.environ["RUN_WORKER_IN_WEB"] = "true"  # the ASGI module re-reads settings in its process
    from app.core.redis import ensure_redis

    os.environ["REDIS_URL"] = ensure_redis(settings)
    host, port = _serve_address(args)
    _run_uvicorn(host, port, args.workers)


def _serve_address(args) -> tuple[str, int]:
    """Where `serve` listens (flags over HOST/PORT); BASE_URL follows it unless set explicitly."""
    settings = get_settings()
    host, port = args.host or settings.host, args.port or settings.port
    if "BASE_URL" not in os.environ:
        # Links in e-mails and on screen must point at the port actually served.
        os.environ["BASE_URL"] = settings.base_url = f"http://{host}:{port}"
    return host, port


def cmd_run(args) -> None:
    """Everything a fresh machine needs: migrate, seed the demo, serve with a worker inside."""
    _refuse_unsafe_deployment()
    host, port = _serve_address(args)  # before the banner, which must name the URL actually served
    _print_login(_migrate_and_seed(), url=f"http://{host}:{port}")
    args.with_worker = True
    cmd_serve(args)


def _worker_process(index: int) -> None:
    _prepare()
    from saq import Worker

    from tasks import worker_settings

    logging.getLogger("saq").setLevel(logging.INFO)
    worker = Worker(**worker_settings())

    async def main():
        await worker.start()

    asyncio.run(main())


def cmd_worker(args) -> None:
    _refuse_unsafe_deployment()
    settings = get_settings()
    from app.core.redis import ensure_redis

    os.environ["REDIS_URL"] = ensure_redis(settings)
    if args.processes <= 1:
        _worker_process(0)
        return
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_worker_process, args=(i,), daemon=False) for i in range(args.processes)]
    for p in procs:
        p.start()
    try:
        for p in procs:
            p.join()
    except KeyboardInterrupt:
        for p in procs:
            p.terminate()


def cmd_rollups(args) -> None:
    """Recompute the money rollups from the orders (every organisation, or one)."""
    from app.domains import accounts, money

    async def go():
        ids = [args.organization] if args.organization else await accounts.organization_ids()
        total = 0
        for organization_id in ids:
            rows = await money.rebuild_rollups(organization_id)
            total += rows
            print(f"organisation {organization_id}: {rows} rollup rows")
        return total

    print(f"Rollups rebuilt: {asyncio.run(_with_db(go))} rows.")


def cmd_sandbox(args) -> None:
    from app.sandbox.server import run_sandbox

    run_sandbox(host=args.host, port=args.port)


def main(argv: list[str] | None = None) -> None:
    _prepare()
    parser = argparse.ArgumentParser(prog="storesync", description="StoreSync back office")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the web server (add --with-worker to run jobs in it too)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int, default=1, help="web processes")
    p.add_argument("--with-worker", action="store_true", help="also run a job worker inside the web process")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run job worker process(es)")
    p.add_argument("--processes", type=int, default=1)
    p.set_defaults(func=cmd_worker)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    sub.add_parser("demo", help="migrate and seed the Toko Demo organisation").set_defaults(func=cmd_demo)

    p = sub.add_parser("run", help="migrate, seed the demo and serve with a worker (what `make run` does)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int, default=1)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("createsuperuser", help="create a platform admin who can open /admin")
    p.add_argument("--email", required=True)
    p.add_argument("--password")
    p.add_argument("--name")
    p.set_defaults(func=cmd_createsuperuser)

    _add_backup_commands(sub)

    p = sub.add_parser("rollups", help="rebuild the money rollups the reports read from the orders")
    p.add_argument("action", choices=["rebuild"])
    p.add_argument("--organization", type=int, help="only this organisation (default: all)")
    p.set_defaults(func=cmd_rollups)

    p = sub.add_parser("sandbox", help="run the marketplace sandbox on its own")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8100)
    p.set_defaults(func=cmd_sandbox)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
