"""The application error hierarchy. Domains subclass these; controllers turn them into 4xx pages."""

from __future__ import annotations


class AppError(Exception):
    """An error a person can act on. `message` is a sentence fit to show them."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(AppError):
    """Input was refused; nothing changed. `errors` maps field name to message."""

    status_code = 422

    def __init__(self, errors: dict[str, str]) -> None:
        first = next(iter(errors.values()), "Please check the form.")
        super().__init__(first)
        self.errors = errors


class NotFound(AppError):
    """The row does not exist in this organisation (another tenant's rows are 'not found' too)."""

    status_code = 404

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class Forbidden(AppError):
    """The person's role does not allow this action in their own organisation."""

    status_code = 403

    def __init__(self, message: str = "Your role does not allow this.") -> None:
        super().__init__(message)


class Conflict(AppError):
    status_code = 409


class Throttled(AppError):
    status_code = 429
