from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.mail.statuses import MailStatus


class OutgoingMail(Table):
    """One e-mail to send, written in the transaction that decided to send it (the outbox)."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization_id = Integer(null=True, default=None, index=True,
                              help_text="The organisation it concerns; empty for account mails (password reset).")
    recipient = Varchar(length=254, help_text="The address it goes to.")
    subject = Varchar(length=300, default="")
    body = Text(default="", secret=True,
                help_text="The text, Fernet-encrypted (reset and invitation links are secrets); emptied once sent.")
    status = Varchar(length=16, choices=MailStatus, default=MailStatus.PENDING, index=True,
                     help_text="pending, sent or failed.")
    attempts = Integer(default=0, help_text="Sending attempts that failed.")
    next_attempt_at = Timestamptz(default=TimestamptzNow(), index=True,
                                  help_text="When it may be sent (again); a job that takes it moves this on as a lease.")
    last_error = Text(default="", help_text="Why the last attempt failed.")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
