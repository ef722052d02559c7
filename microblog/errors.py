"""Domain errors. The service layer raises these; the HTTP layer maps each to a status code."""

from __future__ import annotations


class DomainError(Exception):
    """A request the platform refuses, with a message a person can act on."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """Duplicates, overdrafts, exhausted stock, replayed keys with another body."""

    status = 409
    code = "conflict"


class Busy(Conflict):
    """Rows a transaction asked not to wait for are locked by another one right now (only
    asked by code that already holds other locks and would rather skip than risk a cycle)."""


class InsufficientFunds(Conflict):
    """A payer's wallet cannot cover a payment (an overdraft refused): an everyday outcome
    the payer fixes by topping up, told apart from other conflicts by its type."""


class Invalid(DomainError):
    """A value the domain rejects even though its type was right (names the field)."""

    status = 422
    code = "invalid"


class TooLarge(DomainError):
    """An upload over the platform's size limit (names the field that carried it)."""

    status = 413
    code = "payload_too_large"
