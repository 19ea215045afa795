"""Mail: the outbox of e-mails to send (notifications, invitations, password resets).

A mail is a row written in the caller's transaction (``outbox.queue_mail``); after the commit a
``deliver_mail`` job sends it over SMTP, marks it sent, and a failure waits with backoff for the
``sweep_mail`` cron, which also finds rows whose enqueue was lost. Nothing talks SMTP inside a
database transaction, and a rolled-back transaction mails nobody.
"""
