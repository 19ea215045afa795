"""Mail: the outbox of e-mails to send (notifications, invitations, password resets).

A mail is a row written in the caller's transaction (``outbox.queue_mail``); after the commit a
``deliver_mail`` job sends it over SMTP, marks it sent, and a failure waits with backoff for the
``sweep_mail`` cron, which also finds rows whose enqueue was lost. Nothing talks SMTP inside a
database transaction, and a rolled-back transaction mails nobody.
"""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.mail.outbox import Mail as Mail
    from app.domains.mail.outbox import queue_mail as queue_mail
    from app.domains.mail.outbox import queue_mails as queue_mails
else:
    __getattr__ = lazy_exports(__name__, __file__)
