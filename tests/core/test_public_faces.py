"""Each domain's public face hands out exactly what it declares, from the module it names, and
nothing else; importing a face runs none of the domain's modules."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.exports import declared_exports

DOMAINS = Path(__file__).resolve().parents[2] / "app" / "domains"
FACES = sorted(p.parent.name for p in DOMAINS.glob("*/__init__.py") if "lazy_exports" in p.read_text())


def test_every_domain_that_others_use_has_a_face():
    assert {"accounts", "audit", "catalog", "inventory", "listings", "orders", "stores", "sync"} <= set(FACES)


@pytest.mark.parametrize("domain", FACES)
def test_a_face_hands_out_each_declared_name_from_its_module(domain):
    package = importlib.import_module(f"app.domains.{domain}")
    exports = declared_exports(DOMAINS / domain / "__init__.py")
    assert exports
    for name, (module, attribute) in exports.items():
        assert module.startswith(f"app.domains.{domain}."), f"{domain} re-exports {module}: not its own"
        assert getattr(package, name) is getattr(importlib.import_module(module), attribute)


def test_an_undeclared_name_is_an_attribute_error_and_an_import_error():
    from app.domains import inventory

    with pytest.raises(AttributeError, match="no attribute 'StockLevel'"):
        inventory.StockLevel  # noqa: B018  (a table: not part of the face)
    with pytest.raises(ImportError):
        exec("from app.domains.inventory import _check_quantity", {})


def test_importing_a_face_imports_none_of_its_modules():
    code = ("import sys; import app.domains.orders, app.domains.inventory; "
            "print(sorted(m for m in sys.modules if m.startswith('app.domains.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=DOMAINS.parents[1]).stdout
    assert out.strip() == "['app.domains.inventory', 'app.domains.orders']"
