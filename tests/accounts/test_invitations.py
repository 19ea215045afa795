"""Inviting members by e-mail (a real SMTP server receives the mail), accepting, roles."""

from __future__ import annotations

from app.domains.accounts.tables import Invitation, Membership
from tests.mailbox import mails_to
from tests.support import PASSWORD, add_member, http_client, link_in, login, make_account, post, unique


async def test_owner_invites_by_email_and_the_invitee_joins_with_the_role(app, owner_client, smtp_server, worker):
    email = f"{unique('staff')}@example.id"
    response = await post(owner_client, "/members/invite", {"email": email, "role": "warehouse"}, htmx=True)
    assert response.status_code == 200
    assert "/invitations/" in response.text, "the link is shown on screen"
    [message] = await mails_to(smtp_server, email, 1)  # sent by the outbox job after the commit
    link = link_in(message, "/invitations/")
    path = link.split("testserver.local")[-1].split("8000")[-1]

    async with http_client(app) as invitee:
        page = await invitee.get(path)
        assert page.status_code == 200 and owner_client.account.org_name in page.text
        accepted = await post(invitee, path, {"name": "Dewi Lestari", "password": PASSWORD})
        assert accepted.status_code in (200, 303)
        home = await invitee.get("/")
        assert home.status_code == 200 and owner_client.account.org_name in home.text
    role = await Membership.select(Membership.role).where(
        (Membership.organization == owner_client.account.org_id) & (Membership.user.email == email)).first()
    assert role == {"role": "warehouse"}

    # the link is single use
    async with http_client(app) as again:
        reused = await post(again, path, {"name": "Someone Else", "password": PASSWORD})
        assert reused.status_code == 400
        assert "invalid, was already used or has expired" in reused.text


async def test_invite_refuses_bad_input_and_changes_nothing(owner_client):
    org_id = owner_client.account.org_id
    before = await Invitation.count().where(Invitation.organization == org_id)
    cases = [({"email": "", "role": "member"}, "valid e-mail"),
             ({"email": "x" * 96 + "@a.id", "role": "member"}, "valid e-mail"),
             ({"email": f"{unique()}@a.id", "role": "emperor"}, "Choose one of the listed options"),
             ({"email": owner_client.account.email, "role": "member"}, "already a member")]
    for data, message in cases:
        response = await post(owner_client, "/members/invite", data, htmx=True)
        assert response.status_code == 422, data
        assert message in response.text, (message, response.text[:1500])
    assert await Invitation.count().where(Invitation.organization == org_id) == before


async def test_admin_cannot_hand_out_owner(app):
    account = await make_account()
    admin = await add_member(account.org_id, "admin")
    async with http_client(app) as client:
        await login(client, admin)
        response = await post(client, "/members/invite", {"email": f"{unique()}@a.id", "role": "owner"}, htmx=True)
        assert response.status_code == 403
        assert await Invitation.count().where(Invitation.organization == account.org_id) == 0


async def test_the_last_owner_cannot_be_demoted_or_removed(owner_client):
    me = await Membership.select(Membership.id).where(Membership.user == owner_client.account.user_id).first()
    demote = await post(owner_client, f"/members/{me['id']}/role", {"role": "viewer"}, htmx=True)
    assert demote.status_code == 409
    remove = await post(owner_client, f"/members/{me['id']}/remove", htmx=True)
    assert remove.status_code == 409
    assert await Membership.select(Membership.role).where(Membership.id == me["id"]).first() == {"role": "owner"}


async def test_owner_changes_a_role_and_removes_a_member(owner_client):
    member = await add_member(owner_client.account.org_id, "member")
    row = await Membership.select(Membership.id).where(Membership.user == member.user_id).first()
    assert (await post(owner_client, f"/members/{row['id']}/role", {"role": "viewer"}, htmx=True)).status_code == 200
    assert (await Membership.select(Membership.role).where(Membership.id == row["id"]).first())["role"] == "viewer"
    assert (await post(owner_client, f"/members/{row['id']}/remove", htmx=True)).status_code == 200
    assert not await Membership.exists().where(Membership.id == row["id"])
