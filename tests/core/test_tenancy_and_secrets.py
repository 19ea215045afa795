from __future__ import annotations

import pytest
from piccolo.apps.user.tables import BaseUser

from app.core.errors import NotFound
from app.core.secrets import decrypt, encrypt, rotate
from app.core.tenancy import Tenant, tenant_tables
from app.domains.accounts.tables import Membership
from tests.support import make_account


def test_scoped_refuses_tables_that_are_not_tenant_owned():
    with pytest.raises(TypeError):
        Tenant(1).scoped(BaseUser)


def test_every_tenant_table_has_an_indexed_organization_column():
    tables = tenant_tables()
    assert Membership in tables
    for table in tables:
        column = table._meta.get_column_by_name("organization")
        assert column._meta.index or column._meta.unique, f"{table.__name__}.organization should be indexed"


async def test_get_treats_other_tenants_rows_as_missing():
    a, b = await make_account(), await make_account()
    b_row = await Membership.select(Membership.id).where(Membership.user == b.user_id).first()
    with pytest.raises(NotFound):
        await Tenant(a.org_id).scoped(Membership).get(b_row["id"])
    with pytest.raises(NotFound):
        await Tenant(a.org_id).scoped(Membership).get("not-a-number")
    row = await Tenant(b.org_id).scoped(Membership).get(b_row["id"])
    assert row.user == b.user_id


def test_secrets_are_encrypted_and_rotatable(monkeypatch):
    from cryptography.fernet import Fernet

    from app.core import secrets as module
    from app.settings import get_settings

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings = get_settings()
    original = settings.encryption_keys
    try:
        settings.encryption_keys = old_key
        module._fernet.cache_clear()
        token = encrypt("shopee-access-token")
        assert "shopee-access-token" not in token and decrypt(token) == "shopee-access-token"
        settings.encryption_keys = f"{new_key},{old_key}"
        module._fernet.cache_clear()
        assert decrypt(token) == "shopee-access-token"
        rotated = rotate(token)
        settings.encryption_keys = new_key
        module._fernet.cache_clear()
        assert decrypt(rotated) == "shopee-access-token"
    finally:
        settings.encryption_keys = original
        module._fernet.cache_clear()
