from app.core.errors import AppError, Conflict, Forbidden, NotFound, Throttled, ValidationFailed


class AccountsError(AppError):
    """Root of the accounts domain's errors."""


class EmailTaken(ValidationFailed, AccountsError):
    def __init__(self) -> None:
        from app.core.i18n import _

        super().__init__({"email": _("An account with this e-mail already exists. Log in instead.")})


class BadCredentials(AccountsError):
    status_code = 400


class LoginThrottled(Throttled, AccountsError):
    pass


class InvalidLink(AccountsError):
    status_code = 400


class LastOwner(Conflict, AccountsError):
    pass


__all__ = [
    "AccountsError",
    "BadCredentials",
    "EmailTaken",
    "Forbidden",
    "InvalidLink",
    "LastOwner",
    "LoginThrottled",
    "NotFound",
]
