from enum import StrEnum


class MailStatus(StrEnum):
    PENDING = "pending"  # waiting for its job, or for its next attempt after a failure
    SENT = "sent"  # handed to the SMTP server
    FAILED = "failed"  # gave up after MAX_ATTEMPTS
