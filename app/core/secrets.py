"""Secrets at rest (marketplace tokens): Fernet with a rotatable key list (MultiFernet).

ENCRYPTION_KEYS lists keys newest first; the newest encrypts, all decrypt; `rotate()` re-encrypts
a value under the newest key. Keys derived from SECRET_KEY always come last, for decryption of
values stored before ENCRYPTION_KEYS was set: first the HKDF one (what encrypts when ENCRYPTION_KEYS
is empty), then the legacy one (SHA-256 of SECRET_KEY, used by earlier versions). Every write
encrypts under the first key, so old values move to the current key as they are rewritten
(a token refresh rewrites both tokens).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.settings import get_settings

HKDF_SALT = b"storesync"
HKDF_INFO = b"storesync marketplace credentials v1"


def derived_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY with HKDF-SHA256 (its own salt and purpose)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=HKDF_INFO).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw).decode()


def legacy_key(secret_key: str) -> str:
    """The key earlier versions derived (plain SHA-256 of SECRET_KEY); decrypts only."""
    return base64.urlsafe_b64encode(hashlib.sha256(secret_key.encode()).digest()).decode()


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    settings = get_settings()
    keys = [k.strip() for k in settings.encryption_keys.split(",") if k.strip()]
    keys += [derived_key(settings.secret_key), legacy_key(settings.secret_key)]
    return MultiFernet([Fernet(k) for k in dict.fromkeys(keys)])


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    return _fernet().rotate(token.encode()).decode()


def new_token() -> str:
    """A URL-safe random token for links (invitations, password resets)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Links are stored hashed: a database leak does not leak usable links."""
    return hashlib.sha256(token.encode()).hexdigest()
