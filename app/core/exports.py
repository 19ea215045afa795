"""A domain's public face, loaded lazily.

A domain's `__init__.py` lists what other domains may use, once, as re-exports under
`if TYPE_CHECKING:` (so the type checker and import-linter see exactly those names and where they
live), and hands them out at run time through a module `__getattr__` built here:

    if TYPE_CHECKING:
        from app.domains.audit.services import record as record
    else:
        __getattr__ = lazy_exports(__name__, __file__)

Importing the package runs none of its modules; `from app.domains.audit import record` imports
`app.domains.audit.services` when the name is first asked for. So two domains may name each
other's faces without the import order mattering, and a name is read from its module each time
(a test that patches `app.domains.audit.services.record` is seen by every user).
"""

from __future__ import annotations

import ast
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def declared_exports(init_file: str | Path) -> dict[str, tuple[str, str]]:
    """{exported name: (module, name in that module)} from the `if TYPE_CHECKING:` block."""
    tree = ast.parse(Path(init_file).read_text(), filename=str(init_file))
    exports: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
            continue
        for statement in node.body:
            if isinstance(statement, ast.ImportFrom) and statement.module:
                for alias in statement.names:
                    exports[alias.asname or alias.name] = (statement.module, alias.name)
    return exports


def lazy_exports(package: str, init_file: str) -> Callable[[str], Any]:
    """The module `__getattr__` of a domain package: its declared exports, imported on demand."""
    exports: dict[str, tuple[str, str]] | None = None

    def __getattr__(name: str) -> Any:
        nonlocal exports
        if exports is None:
            exports = declared_exports(init_file)
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = exports[name]
        # sys.modules first: import_module's own checks cost more than the rest of a hot call
        loaded = sys.modules.get(module)
        if loaded is None or getattr(getattr(loaded, "__spec__", None), "_initializing", False):
            loaded = importlib.import_module(module)
        return getattr(loaded, attribute)

    return __getattr__
