"""Count how tangled the domains are, from the source alone (ast, nothing is imported).

    python tools/import_metrics.py            # the figures
    python tools/import_metrics.py --list     # and every offending import, file:line

Figures:
- cross-domain imports: import statements in app/domains/<a>/ naming a module of app.domains.<b>
- into another domain's tables: those naming app.domains.<b>.tables
- past the public face: those naming anything but app.domains.<b> (or its api module)
- mutual domain pairs: a imports b and b imports a (any import, in a function or not); and the
  same leaving out a tables.py importing another's tables (a foreign key's reference)
- in-function imports: import statements inside a function body, in app/ and tasks/
- private names across modules: `from m import _x`, or `m._x` on an imported module, in app/ and tasks/
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = "app.domains."


@dataclass
class Found:
    cross: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    past_face: list[str] = field(default_factory=list)
    in_function: list[str] = field(default_factory=list)
    private: list[str] = field(default_factory=list)
    edges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    code_edges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # foreign keys aside


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def domain_of(module: str) -> str | None:
    if not module.startswith(DOMAINS):
        return None
    return module[len(DOMAINS):].split(".")[0]


def is_private(name: str) -> bool:
    """`_x` but not `_` (gettext) nor `__x__`."""
    return name.startswith("_") and name != "_" and not name.startswith("__")


def is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def targets(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules an import statement names (`from app.domains import x` names app.domains.x)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if base == "app.domains":
        return [f"{base}.{alias.name}" for alias in node.names]
    if base.startswith(DOMAINS) and base.count(".") == 2:
        # from app.domains.x import tables / services: a submodule when it is one
        package = ROOT.joinpath(*base.split("."))
        found = [f"{base}.{a.name}" for a in node.names
                 if (package / f"{a.name}.py").exists() or (package / a.name).is_dir()]
        if len(found) == len(node.names):
            return found
        return [base, *found]
    return [base]


def scan(paths: list[Path]) -> Found:
    found = Found()
    for path in paths:
        module = module_name(path)
        here = domain_of(module)
        tree = ast.parse(path.read_text(), filename=str(path))
        imported_modules: set[str] = set()
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        nested = {id(n) for f in functions for n in ast.walk(f) if isinstance(n, ast.Import | ast.ImportFrom)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if id(node) in nested:
                found.in_function.append(where)
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if is_private(alias.name):
                        found.private.append(f"{where} {node.module}.{alias.name}")
                    if is_module(f"{node.module}.{alias.name}"):
                        imported_modules.add(alias.asname or alias.name)
            else:
                for alias in node.names:
                    imported_modules.add(alias.asname or alias.name.split(".")[0])
            if here is None:
                continue
            names = targets(node)
            other = [t for t in names if domain_of(t) not in (None, here)]
            if not other:
                continue
            found.cross.append(where)
            schema = path.name == "tables.py"
            for target in other:
                found.edges[here].add(domain_of(target))
                if not (schema and target.split(".")[3:4] == ["tables"]):
                    found.code_edges[here].add(domain_of(target))
            if any(t.split(".")[3:4] == ["tables"] for t in other):
                found.tables.append(where)
            if any(len(t.split(".")) > 3 and t.split(".")[3] != "api" for t in other):
                found.past_face.append(f"{where} {' '.join(other)}")
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and is_private(node.attr) and isinstance(node.value, ast.Name)
                    and node.value.id in imported_modules):
                found.private.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def main() -> int:
    paths = sorted(p for top in ("app", "tasks") for p in (ROOT / top).rglob("*.py"))
    found = scan(paths)
    def mutual_pairs(edges: dict[str, set[str]]) -> list[tuple[str, ...]]:
        return sorted({tuple(sorted((a, b))) for a, bs in edges.items() for b in bs if a in edges.get(b, set())})

    mutual, mutual_code = mutual_pairs(found.edges), mutual_pairs(found.code_edges)
    print(f"cross-domain imports:          {len(found.cross)}")
    print(f"  into another domain's tables: {len(found.tables)}")
    print(f"  past the public face:         {len(found.past_face)}")
    print(f"mutual domain pairs:           {len(mutual)} {' '.join(f'{a}<->{b}' for a, b in mutual)}")
    print(f"  foreign keys aside:          {len(mutual_code)} {' '.join(f'{a}<->{b}' for a, b in mutual_code)}")
    print(f"in-function imports:           {len(found.in_function)}")
    print(f"private names across modules:  {len(found.private)}")
    if "--list" in sys.argv:
        for title, rows in (("tables", found.tables), ("past the public face", found.past_face),
                            ("in-function", found.in_function), ("private", found.private)):
            print(f"\n## {title}")
            print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
