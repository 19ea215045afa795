"""Secrets at rest (marketplace tokens): Fernet with a rotatable key list (MultiFernet).

ENCRYPTION_KEYS lists keys newest first; the newest encrypts, all decrypt; `rotate()` re-encrypts
a value under the newest key.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet

from app.settings import get_settings


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    settings = get_settings()
    keys = [k.strip() for k in settings.encryption_keys.split(",") if k.strip()]
    if not keys:
        keys = [base64.urlsafe_b64encode(hashlib.sha256(settings.secret_key.encode()).digest()).decode()]
    return MultiFernet([Fernet(k) for k in keys])


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
