"""The world a benchmark run lives in: its own database, a Redis, a queue name, and figure output.

Database: BENCH_DATABASE_URL chooses it.
  unset                  PostgreSQL at postgresql://postgres@127.0.0.1:5432/test if it answers,
                         else a SQLite file in a temporary directory
  sqlite                 always SQLite (what the run does when PostgreSQL is down)
  postgresql://...       that server as the admin connection; an error if it does not answer
On PostgreSQL the run creates a database storesync_bench_<random> and drops it at the end.
Redis: REDIS_URL if set, else the embedded server the app starts (shared with child processes).

Call `configure()` before anything imports app settings: the app reads its environment once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from bench import wanted

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
log = logging.getLogger("bench")


@dataclass
class BenchEnvironment:
    """One benchmark run's database, Redis and output; benchmarks receive it."""

    run_id: str
    engine: str  # "postgresql" or "sqlite"
    var_dir: Path
    out: IO[str]
    only: str | None = None
    admin_url: str | None = None
    database_name: str | None = None
    redis_is_embedded: bool = False
    figures: list[dict] = field(default_factory=list)

    # -- figures ---------------------------------------------------------------------------
    def report(self, name: str, value: float, unit: str, n: int) -> None:
        """Print one figure as a JSON line on stdout (unless --only leaves it out)."""
        if not wanted(name, self.only):
            return
        figure = {"name": name, "value": value, "unit": unit, "n": n, "engine": self.engine}
        self.figures.append(figure)
        print(json.dumps(figure), file=self.out, flush=True)

    # -- child processes -------------------------------------------------------------------
    def child_env(self, **extra: str) -> dict[str, str]:
        """Environment for a subprocess that must reach this run's database, Redis and queue."""
        from app.settings import get_settings

        env = get_settings().child_env()
        env.update(PICCOLO_CONF="piccolo_conf", RUN_WORKER_IN_WEB="false", SMTP_HOST="", **extra)
        return env

    def spawn(self, args: list[str], log_name: str, **env: str) -> subprocess.Popen:
        """Start `python <args>` in the repo root; its output goes to a log file, never a pipe
        (a server that logs every request would fill a pipe and stall)."""
        log_path = self.var_dir / f"{log_name}.log"
        with open(log_path, "ab") as log_file:
            return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=self.child_env(**env),
                                    stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT)

    def log_tail(self, log_name: str, lines: int = 30) -> str:
        path = self.var_dir / f"{log_name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _postgres_answers(url: str) -> bool:
    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(url, timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
        return True
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        log.info("PostgreSQL at %s not usable (%s)", _redact(url), exc)
        return False


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return parts.geturl()


def _admin_url() -> str | None:
    """The PostgreSQL admin connection to use, or None for SQLite."""
    choice = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if choice.lower() == "sqlite":
        return None
    if choice:
        if not choice.startswith(("postgres://", "postgresql://")):
            raise SystemExit(f"BENCH_DATABASE_URL must be 'sqlite' or a postgresql:// URL, not {choice!r}")
        if not _postgres_answers(choice):
            raise SystemExit(f"BENCH_DATABASE_URL {_redact(choice)} does not answer")
        return choice
    return DEFAULT_ADMIN_URL if _postgres_answers(DEFAULT_ADMIN_URL) else None


def configure(out: IO[str], only: str | None) -> BenchEnvironment:
    """Choose the database and Redis and set the environment the app (and its children) read."""
    run_id = uuid.uuid4().hex[:8]
    var_dir = Path(tempfile.mkdtemp(prefix=f"storesync-bench-{run_id}-"))
    admin_url = _admin_url()
    env = BenchEnvironment(run_id=run_id, engine="postgresql" if admin_url else "sqlite", var_dir=var_dir,
                           out=out, only=only, admin_url=admin_url)
    if admin_url:
        env.database_name = f"storesync_bench_{run_id}"
        os.environ["DATABASE_URL"] = urlsplit(admin_url)._replace(path=f"/{env.database_name}").geturl()
    else:
        os.environ["DATABASE_URL"] = ""
    os.environ["VAR_DIR"] = str(var_dir)
    os.environ["QUEUE_NAME"] = f"storesync-bench-{run_id}"
    os.environ["PICCOLO_CONF"] = "piccolo_conf"
    os.environ["RUN_WORKER_IN_WEB"] = "false"
    os.environ["SMTP_HOST"] = ""
    # A bench organisation connects several stores and calls the API far past the Free plan; plan
    # limits are measured nowhere here (tests/billing tests them).
    os.environ["BILLING_ENFORCE_LIMITS"] = "false"
    env.redis_is_embedded = not os.environ.get("REDIS_URL")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return env


async def start(env: BenchEnvironment) -> None:
    """Create the database, start Redis if embedded, migrate, open the pool."""
    if env.admin_url:
        import asyncpg

        conn = await asyncpg.connect(env.admin_url)
        try:
            await conn.execute(f'CREATE DATABASE "{env.database_name}"')
        finally:
            await conn.close()
    from app.core.database import migrate, start_database
    from app.core.redis import ensure_redis
    from app.wiring import register_listeners

    register_listeners()  # as in the web and worker processes: a stock change enqueues a push
    os.environ["REDIS_URL"] = ensure_redis()  # children use the same (embedded) server
    await migrate()
    await start_database()
    log.info("bench run %s: engine=%s database=%s redis=%s", env.run_id, env.engine,
             env.database_name or env.var_dir / "storesync.sqlite",
             "embedded" if env.redis_is_embedded else _redact(os.environ["REDIS_URL"]))


async def stop(env: BenchEnvironment) -> None:
    """Undo `start`: close the pool, drop the database, remove this run's Redis keys and files."""
    from app.core.database import stop_database
    from app.core.redis import redis_client, stop_embedded_redis

    try:
        await stop_database()
    except Exception:  # noqa: BLE001 - cleanup goes on whatever happened
        log.exception("closing the database pool failed")
    if not env.redis_is_embedded:
        try:
            client = redis_client()
            keys = [key async for key in client.scan_iter(match=f"*storesync-bench-{env.run_id}*", count=500)]
            if keys:
                await client.delete(*keys)
            await client.aclose()
        except Exception:  # noqa: BLE001
            log.exception("removing this run's Redis keys failed")
    if env.admin_url:
        import asyncpg

        try:
            conn = await asyncpg.connect(env.admin_url)
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{env.database_name}" WITH (FORCE)')
            finally:
                await conn.close()
        except Exception:  # noqa: BLE001
            log.exception("dropping %s failed", env.database_name)
    stop_embedded_redis()
    shutil.rmtree(env.var_dir, ignore_errors=True)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) by linear interpolation between the closest ranks; NaN when empty."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
