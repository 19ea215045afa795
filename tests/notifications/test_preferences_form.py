"""The notification settings posted as the page's form sends them: ticked boxes send "on", unticked
ones are absent; the saved choices show ticked again on the page."""

from __future__ import annotations

import re

from app.domains.notifications.schemas import PreferencesForm
from app.domains.notifications.services import KINDS, Preference
from app.domains.notifications.tables import NotificationPreference
from tests.support import post


async def _saved(client) -> dict[str, tuple[bool, bool]]:
    rows = await NotificationPreference.select().where(NotificationPreference.user == client.account.user_id)
    return {r["kind"]: (r["in_app"], r["email"]) for r in rows}


def test_the_form_has_both_boxes_of_every_kind():
    names = {field.alias for field in PreferencesForm.model_fields.values()}
    assert names == {f"{kind}-{way}" for kind in KINDS for way in ("in_app", "email")}


def test_absent_boxes_are_off_and_ticked_ones_on():
    choices = PreferencesForm.parse({"low_stock-email": "on", "oversold-in_app": "on"}).choices()
    assert choices["low_stock"] == Preference(in_app=False, email=True)
    assert choices["oversold"] == Preference(in_app=True, email=False)
    assert choices["new_order"] == Preference(in_app=False, email=False)


async def test_settings_saved_as_posted_and_shown_ticked(owner_client):
    page = await owner_client.get("/notifications")
    boxes = set(re.findall(r'type="checkbox" name="([a-z_]+-(?:in_app|email))"', page.text))
    assert boxes == {f"{kind}-{way}" for kind in KINDS for way in ("in_app", "email")}
    response = await post(owner_client, "/notifications/preferences", {"sync_failed-email": "on",
                                                                       "late_order-in_app": "on"})
    assert response.status_code == 200, response.text[:500]
    saved = await _saved(owner_client)
    assert saved["sync_failed"] == (False, True) and saved["late_order"] == (True, False)
    assert saved["new_order"] == (False, False) and len(saved) == len(KINDS)
    shown = await owner_client.get("/notifications")
    assert re.search(r'name="sync_failed-email"[^>]*checked', shown.text)
    assert not re.search(r'name="sync_failed-in_app"[^>]*checked', shown.text)


async def test_nothing_ticked_turns_every_kind_off(owner_client):
    response = await post(owner_client, "/notifications/preferences", {})
    assert response.status_code == 200
    assert set((await _saved(owner_client)).values()) == {(False, False)}
