"""Password hashing off the event loop.

Piccolo's BaseUser hashes with PBKDF2 (600,000 rounds, about a third of a second of CPU) inside
its async methods, which stalls every other request of the process. The same hashes are computed
here in a thread (hashlib releases the GIL), so one login no longer blocks the web process.
"""

from __future__ import annotations

import asyncio
import datetime
import hmac

from piccolo.apps.user.tables import BaseUser


async def hash_password(plain: str) -> str:
    return await asyncio.to_thread(BaseUser.hash_password, plain)


async def verify(email: str, plain: str) -> int | None:
    """The user id when the e-mail (username) and password match an active user, else None.
    Unknown e-mails cost the same hash, so timing does not reveal which e-mails exist."""
    row = await BaseUser.select(BaseUser.id, BaseUser.password, BaseUser.active).where(
        BaseUser.username == email).first()
    if row is None or not row["password"].startswith("pbkdf2_sha256$"):
        await hash_password(plain)
        return None
    _algorithm, iterations, salt, _hashed = BaseUser.split_stored_password(row["password"])
    candidate = await asyncio.to_thread(BaseUser.hash_password, plain, salt, int(iterations))
    if not hmac.compare_digest(candidate, row["password"]) or not row["active"]:
        return None
    await BaseUser.update({BaseUser.last_login: datetime.datetime.now()}).where(BaseUser.id == row["id"])
    return row["id"]


async def set_password(user_id: int, plain: str) -> None:
    await BaseUser.update({BaseUser.password: await hash_password(plain)}).where(BaseUser.id == user_id)
