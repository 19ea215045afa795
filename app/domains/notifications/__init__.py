"""Notifications: an in-app feed per organisation (new orders, late orders, sync failures, low
stock, oversold) and the same by e-mail when SMTP is configured, per user's preferences."""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.notifications.services import notify as notify
else:
    __getattr__ = lazy_exports(__name__, __file__)
