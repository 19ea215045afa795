"""The key that encrypts marketplace tokens: derived from SECRET_KEY with HKDF when ENCRYPTION_KEYS
is empty; values stored under the earlier SHA-256 derivation still decrypt, and move to the current
key when they are written again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet, InvalidToken

from app.core import secrets as module
from app.core.clock import utcnow
from app.core.secrets import decrypt, derived_key, encrypt, legacy_key, rotate
from app.settings import get_settings
from tests.inventory.factories import tenant_of
from tests.support import make_account, unique


@pytest.fixture
def keys():
    """Set ENCRYPTION_KEYS for one test; restored afterwards."""
    settings = get_settings()
    original = settings.encryption_keys

    def use(value: str) -> None:
        settings.encryption_keys = value
        module._fernet.cache_clear()

    yield use
    use(original)


def test_without_encryption_keys_the_key_comes_from_hkdf_not_a_plain_hash(keys):
    keys("")
    secret = get_settings().secret_key
    assert derived_key(secret) != legacy_key(secret)
    token = encrypt("shopee-access-token")
    assert Fernet(derived_key(secret)).decrypt(token.encode()) == b"shopee-access-token"
    with pytest.raises(InvalidToken):
        Fernet(legacy_key(secret)).decrypt(token.encode())


def test_values_stored_under_the_legacy_key_still_decrypt_and_rotate_to_the_current_key(keys):
    keys("")
    secret = get_settings().secret_key
    old = Fernet(legacy_key(secret)).encrypt(b"tiktok-refresh-token").decode()
    assert decrypt(old) == "tiktok-refresh-token"
    assert Fernet(derived_key(secret)).decrypt(rotate(old).encode()) == b"tiktok-refresh-token"


def test_setting_encryption_keys_later_keeps_older_values_readable(keys):
    secret = get_settings().secret_key
    keys("")
    derived = encrypt("from-the-derived-key")
    legacy = Fernet(legacy_key(secret)).encrypt(b"from-the-legacy-key").decode()
    new_key = Fernet.generate_key().decode()
    keys(new_key)
    assert decrypt(derived) == "from-the-derived-key" and decrypt(legacy) == "from-the-legacy-key"
    assert Fernet(new_key).decrypt(encrypt("fresh").encode()) == b"fresh", "the first key encrypts"


async def test_tokens_stored_under_the_legacy_key_move_to_the_current_key_when_saved(keys):
    from app.domains.stores import services
    from app.domains.stores.tables import Store

    keys("")
    secret = get_settings().secret_key
    account = await make_account()
    legacy = Fernet(legacy_key(secret))
    store = Store(organization=account.org_id, platform="shopee", name="Toko Lama", platform_shop_id=unique("shop"),
                  access_token=legacy.encrypt(b"old-access").decode(),
                  refresh_token=legacy.encrypt(b"old-refresh").decode(),
                  access_expires_at=utcnow() + timedelta(hours=4), refresh_expires_at=utcnow() + timedelta(days=30))
    await store.save()
    tenant = tenant_of(account)
    tokens = await services.load_tokens(tenant, store.id)
    assert (tokens.access_token, tokens.refresh_token) == ("old-access", "old-refresh")
    await services.save_tokens(tenant, store.id, tokens)
    row = await Store.select(Store.access_token, Store.refresh_token).where(Store.id == store.id).first()
    current = Fernet(derived_key(secret))
    assert current.decrypt(row["access_token"].encode()) == b"old-access"
    assert current.decrypt(row["refresh_token"].encode()) == b"old-refresh"
