"""Errors raised by services: a clear message for the user, never a stack trace."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    # A message is text or lazily translated text (gettext_lazy), shown with str().
    Message: TypeAlias = str | StrPromise


class ApplicationError(Exception):
    """A rule stopped the action. `message` is shown to the user; nothing was changed."""

    def __init__(self, message: Message, *, code: str = "error", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)


class PermissionDeniedError(ApplicationError):
    def __init__(
        self, message: Message = "", *, code: str = "forbidden", extra: dict | None = None
    ):
        super().__init__(message or "Not allowed.", code=code, extra=extra)


class ConflictError(ApplicationError):
    """The object changed since the user loaded it (stale form, concurrent action)."""

    def __init__(self, message: Message, *, code: str = "conflict", extra: dict | None = None):
        super().__init__(message, code=code, extra=extra)
