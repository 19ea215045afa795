"""The side menu: every item's icon is drawn in static/icons.svg, and no two items share one
(Orders and Purchasing, Warehouse and Products, Customers, Members and Marketing looked alike)."""

from __future__ import annotations

import re
from pathlib import Path

from app.core.navigation import NAV

ICONS = Path(__file__).resolve().parents[2] / "app" / "static" / "icons.svg"


def test_every_menu_item_has_its_own_drawn_icon():
    drawn = set(re.findall(r'<symbol id="([^"]+)"', ICONS.read_text()))
    icons = [item.icon for item in NAV]
    assert set(icons) <= drawn, set(icons) - drawn
    shared = {icon for icon in icons if icons.count(icon) > 1}
    assert not shared, [(item.label, item.icon) for item in NAV if item.icon in shared]
