"""Where a webhook may be sent: http(s) URLs whose host resolves to public addresses only (SSRF).

Checked when an endpoint is saved and again at every delivery, after resolving the name, and the
delivery then connects to the address that was checked (a name that resolves elsewhere the second
time cannot redirect it inside). Private, loopback, link-local and reserved addresses are refused
unless the deployment allows them (WEBHOOKS_ALLOW_PRIVATE; by default in development only).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from app.core.i18n import _
from app.settings import get_settings


class UnsafeTarget(ValueError):
    """The URL may not be called (its message is a sentence for the seller)."""


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to (the host stays in Host and TLS SNI)."""

    url: str
    host: str
    address: str

    def connect_url(self) -> str:
        """The URL with its host replaced by the checked address (IPv6 in brackets)."""
        parts = urlsplit(self.url)
        host = f"[{self.address}]" if ":" in self.address else self.address
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def private_allowed() -> bool:
    settings = get_settings()
    if settings.webhooks_allow_private is not None:
        return settings.webhooks_allow_private
    return settings.storesync_env != "production"


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified)


def check_syntax(url: str) -> tuple[str, str]:
    """(scheme, host) of an http(s) URL with a host and no credentials, or UnsafeTarget."""
    try:
        parts = urlsplit(url.strip())
        _port = parts.port
    except ValueError:
        raise UnsafeTarget(_("Type a full web address, like https://example.com/hooks/storesync.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget(_("Type a full web address, like https://example.com/hooks/storesync."))
    if parts.username or parts.password:
        raise UnsafeTarget(_("A webhook address may not contain a user name or password."))
    if get_settings().storesync_env == "production" and parts.scheme != "https" and not private_allowed():
        raise UnsafeTarget(_("Use an https:// address."))
    return parts.scheme, parts.hostname


async def resolve(url: str) -> Target:
    """Check `url` and resolve its host; UnsafeTarget when it cannot be resolved or any of its
    addresses is private (unless allowed). Network I/O (DNS): never inside a transaction."""
    _scheme, host = check_syntax(url)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeTarget(_("The host %(host)s cannot be found.", host=host[:100])) from None
    addresses = sorted({str(info[4][0]) for info in infos})
    if not addresses:
        raise UnsafeTarget(_("The host %(host)s cannot be found.", host=host[:100]))
    if not private_allowed() and not all(_public(a) for a in addresses):
        raise UnsafeTarget(_("This address points inside a private network; webhooks go to public addresses only."))
    return Target(url=url.strip(), host=host, address=addresses[0])
