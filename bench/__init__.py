"""Benchmarks that print figures. Never part of the pass/fail suite.

A benchmark is an `async def` in any module of this package, registered with `@benchmark(prefix)`;
every figure it reports has a name starting with that prefix. `python -m bench.run` imports every
module here (except `run` and names starting with `_`), so adding a file is all it takes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.environment import BenchEnvironment

BenchFunction = Callable[["BenchEnvironment"], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Benchmark:
    prefix: str
    function: BenchFunction

    @property
    def name(self) -> str:
        return f"{self.function.__module__}.{self.function.__name__}"

    def selected_by(self, only: str | None) -> bool:
        """Whether a run limited to figure names starting with `only` needs this benchmark."""
        return (not only or self.prefix.startswith(only) or only.startswith(self.prefix)
                or self.prefix in GROUPS.get(only, ()))


# A group that takes in other prefixes: `make bench ONLY=api` also runs the outbound webhooks' figure.
GROUPS: dict[str, tuple[str, ...]] = {"api": ("webhooks.",)}


def wanted(name: str, only: str | None) -> bool:
    """Whether the figure `name` is printed by a run limited to `only`."""
    return not only or name.startswith(only) or any(name.startswith(p) for p in GROUPS.get(only, ()))


REGISTRY: list[Benchmark] = []


def benchmark(prefix: str) -> Callable[[BenchFunction], BenchFunction]:
    """Register an async benchmark whose figure names all start with `prefix` (e.g. "http.")."""

    def register(function: BenchFunction) -> BenchFunction:
        REGISTRY.append(Benchmark(prefix, function))
        return function

    return register


def discover() -> list[Benchmark]:
    """Import every benchmark module of this package; the registry, in registration order."""
    import importlib
    import pkgutil

    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name == "run" or module.name.startswith("_"):
            continue
        importlib.import_module(f"{__name__}.{module.name}")
    return list(REGISTRY)
