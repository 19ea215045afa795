"""/settings/payments/ posted exactly as a browser posts it: unticked checkboxes absent, every text
field present (empty included), secrets never rendered back, a blank secret keeps the stored one."""

from __future__ import annotations

from app.core.secrets import decrypt
from app.domains import payments
from app.domains.payments.tables import PaymentSettings
from tests.support import post


def browser_form(**changes: str) -> dict[str, str]:
    """Every text input of the form (empty ones included); checkboxes only when ticked."""
    data = {f"{name}_{i}": "" for i in range(3) for name in ("bank", "number", "holder")}
    data.update(midtrans_server_key="", midtrans_client_key="", xendit_secret_key="", xendit_callback_token="")
    data.update(changes)
    return data


async def stored(org_id: int) -> dict:
    return await PaymentSettings.select().where(PaymentSettings.organization == org_id).first()


async def test_all_unticked_saves_no_methods(owner_client):
    response = await post(owner_client, "/settings/payments/", browser_form())
    assert response.status_code == 303, response.text[:300]
    assert await payments.enabled_methods(owner_client.account.org_id) == []


async def test_keys_are_encrypted_never_shown_and_blank_keeps_them(owner_client):
    org_id = owner_client.account.org_id
    first = browser_form(cod_enabled="on", midtrans_enabled="on", bank_0="BCA", number_0="123 456 7890",
                         holder_0="Toko Uji", bank_transfer_enabled="on", midtrans_server_key="SB-Mid-server-SECRET1",
                         midtrans_client_key="SB-Mid-client-CLIENT1")
    assert (await post(owner_client, "/settings/payments/", first)).status_code == 303
    row = await stored(org_id)
    assert "SECRET1" not in row["midtrans_server_key"] and decrypt(row["midtrans_server_key"]) == "SB-Mid-server-SECRET1"
    assert await payments.enabled_methods(org_id) == ["cod", "bank_transfer", "midtrans"]
    page = await owner_client.get("/settings/payments/")
    assert page.status_code == 200 and "SECRET1" not in page.text and "CLIENT1" not in page.text
    assert "123 456 7890" in page.text
    # saved again with the key fields left blank (as the browser sends them): keys kept, COD unticked
    again = browser_form(midtrans_enabled="on", bank_transfer_enabled="on", bank_0="BCA", number_0="1234567890",
                         holder_0="Toko Uji")
    assert (await post(owner_client, "/settings/payments/", again)).status_code == 303
    assert decrypt((await stored(org_id))["midtrans_server_key"]) == "SB-Mid-server-SECRET1"
    assert await payments.enabled_methods(org_id) == ["bank_transfer", "midtrans"]


async def test_refusals_name_the_field_change_nothing_and_do_not_echo_secrets(owner_client):
    org_id = owner_client.account.org_id
    before = await stored(org_id)
    response = await post(owner_client, "/settings/payments/",
                          browser_form(xendit_enabled="on", xendit_secret_key="xnd_SECRET2", bank_0="BCA"),
                          htmx=True)
    assert response.status_code == 422
    assert "Enter the Xendit callback token to offer Xendit." in response.text
    assert "Fill in bank, account number and holder" in response.text
    assert "xnd_SECRET2" not in response.text
    assert await stored(org_id) == before
    no_account = await post(owner_client, "/settings/payments/", browser_form(bank_transfer_enabled="on"))
    assert no_account.status_code == 422 and "Add at least one bank account" in no_account.text
    bad_number = await post(owner_client, "/settings/payments/",
                            browser_form(bank_0="BCA", number_0="rekening", holder_0="X", bank_transfer_enabled="on"))
    assert bad_number.status_code == 422 and "digits only" in bad_number.text


async def test_viewer_cannot_change_payment_settings(owner_client, app):
    from tests.support import add_member, http_client, login

    viewer = await add_member(owner_client.account.org_id, "viewer")
    async with http_client(app) as client:
        await login(client, viewer)
        response = await post(client, "/settings/payments/", browser_form(cod_enabled="on"))
    assert response.status_code == 403
