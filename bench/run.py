"""Run the benchmarks: `python -m bench.run [--only PREFIX]`.

Each figure is one JSON line on stdout; everything else (logs, migration chatter) goes to stderr.
Exit status 1 when a benchmark failed (its figures are then missing, never guessed).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time

from bench import Benchmark, discover
from bench.environment import BenchEnvironment, configure, start, stop

log = logging.getLogger("bench")


async def run_all(env: BenchEnvironment, benchmarks: list[Benchmark]) -> int:
    failed = 0
    try:
        await start(env)  # inside: a half-made database is dropped too
        for bench in benchmarks:
            began = time.monotonic()
            log.info("running %s", bench.name)
            try:
                await bench.function(env)
            except Exception:
                failed += 1
                log.exception("%s failed", bench.name)
            log.info("%s took %.1fs", bench.name, time.monotonic() - began)
    finally:
        await stop(env)
    return 1 if failed else 0


def _event_loop_runner() -> asyncio.Runner:
    try:
        import uvloop  # the servers under test use it too (uvicorn picks it up)
    except ImportError:
        return asyncio.Runner()
    return asyncio.Runner(loop_factory=uvloop.new_event_loop)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--only", metavar="PREFIX", help="only figures whose names start with PREFIX (e.g. http)")
    args = parser.parse_args(argv)

    figures_out = sys.stdout
    sys.stdout = sys.stderr  # stdout carries figures and nothing else
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "asyncio", "saq"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    benchmarks = [b for b in discover() if b.selected_by(args.only)]
    if not benchmarks:
        log.error("no benchmark reports figures starting with %r", args.only)
        return 2
    env = configure(figures_out, args.only)
    with _event_loop_runner() as runner:
        return runner.run(run_all(env, benchmarks))


if __name__ == "__main__":
    sys.exit(main())
