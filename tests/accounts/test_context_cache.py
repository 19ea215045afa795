"""The request context comes from a cache shared by every web process (Redis); a removed member or
a changed role is seen by all of them on the next request."""

from __future__ import annotations

from contextlib import asynccontextmanager

from app.domains.accounts import context_cache
from app.domains.accounts.tables import Membership, Organization
from app.main import create_app
from tests.support import add_member, http_client, login, make_account, post


@asynccontextmanager
async def _two_processes(owner, member):
    """The owner on one app instance and the member on another, as behind a load balancer."""
    async with http_client(create_app()) as owner_client, http_client(create_app()) as member_client:
        await login(owner_client, owner)
        await login(member_client, member)
        yield owner_client, member_client


async def _membership_id(user_id: int) -> int:
    return (await Membership.select(Membership.id).where(Membership.user == user_id).first())["id"]


async def test_a_removed_member_loses_access_at_once_in_another_web_process():
    owner = await make_account()
    member = await add_member(owner.org_id, "admin")
    async with _two_processes(owner, member) as (owner_client, member_client):
        assert (await member_client.get("/members")).status_code == 200  # its context is now cached
        removed = await post(owner_client, f"/members/{await _membership_id(member.user_id)}/remove", htmx=True)
        assert removed.status_code == 200
        after = await member_client.get("/members")
        assert after.status_code != 200
        assert member.email not in after.text


async def test_a_changed_role_applies_at_once_in_another_web_process():
    owner = await make_account()
    member = await add_member(owner.org_id, "admin")
    async with _two_processes(owner, member) as (owner_client, member_client):
        invite = {"email": f"temp-{member.user_id}@example.id", "role": "viewer"}
        assert (await post(member_client, "/members/invite", invite, htmx=True)).status_code == 200
        changed = await post(owner_client, f"/members/{await _membership_id(member.user_id)}/role",
                             {"role": "viewer"}, htmx=True)
        assert changed.status_code == 200
        again = await post(member_client, "/members/invite", {**invite, "email": f"x{invite['email']}"}, htmx=True)
        assert again.status_code == 403


async def test_a_renamed_organisation_shows_at_once_to_its_members():
    owner = await make_account()
    member = await add_member(owner.org_id, "viewer")
    async with _two_processes(owner, member) as (owner_client, member_client):
        assert owner.org_name in (await member_client.get("/")).text
        form = {"name": "Toko Baru Jaya", "timezone": "Asia/Makassar"}
        saved = await post(owner_client, "/settings", form)
        assert saved.status_code in (200, 303), saved.text[:300]
        assert "Toko Baru Jaya" in (await member_client.get("/")).text


async def test_requests_read_the_cached_context_not_the_database():
    owner = await make_account()
    async with http_client(create_app()) as client:
        await login(client, owner)
        assert (await client.get("/")).status_code == 200
        # A write behind the services' back (as the /admin tables would make) is not seen while the
        # entry lives: the requests are not reading the database ...
        await Organization.update({Organization.name: "Nama Dari Admin"}).where(Organization.id == owner.org_id)
        assert "Nama Dari Admin" not in (await client.get("/")).text
        # ... until the entry is forgotten (or expires after context_cache.ENTRY_SECONDS).
        await context_cache.forget_users([owner.user_id])
        assert "Nama Dari Admin" in (await client.get("/")).text
