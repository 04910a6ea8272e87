"""Slows down passphrase guessing: after NASKAH_SIGNING_MAX_FAILED_ATTEMPTS wrong
passphrases a signer must wait NASKAH_SIGNING_LOCKOUT_SECONDS before trying again.

The counter lives in Django's cache (Redis in production, so it is shared by all hosts).
It is deliberately not a database row: a wrong passphrase raises inside the caller's
transaction (e.g. the letter-signing transaction), which rolls back, and the count must
survive that. With BSrE this also keeps Naskah from exhausting BSrE's own attempt limit,
which locks the certificate until a BSrE reset.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from core.errors import ApplicationError

if TYPE_CHECKING:
    from core.models import Pegawai

logger = logging.getLogger(__name__)


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "NASKAH_SIGNING_MAX_FAILED_ATTEMPTS", 5)),
        int(getattr(settings, "NASKAH_SIGNING_LOCKOUT_SECONDS", 15 * 60)),
    )


def _key(signer: Pegawai) -> str:
    return f"naskah:signing:failed:{signer.pk}"


def passphrase_throttle_check(signer: Pegawai) -> None:
    limit, seconds = _limits()
    if limit and (cache.get(_key(signer)) or 0) >= limit:
        raise ApplicationError(
            _(
                "Too many wrong signing passphrases. Wait %(minutes)d minutes and try again, "
                "or ask an administrator if you forgot it."
            )
            % {"minutes": max(1, seconds // 60)},
            code="passphrase_locked",
        )


def passphrase_throttle_failure(signer: Pegawai) -> None:
    _limit, seconds = _limits()
    key = _key(signer)
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    logger.warning("wrong signing passphrase for signer %s (%d in a row)", signer.pk, count)


def passphrase_throttle_reset(signer: Pegawai) -> None:
    cache.delete(_key(signer))


@contextmanager
def passphrase_guard(signer: Pegawai) -> Iterator[None]:
    """Refuse while locked out; count a wrong passphrase; reset after a right one."""
    passphrase_throttle_check(signer)
    try:
        yield
    except ApplicationError as exc:
        if exc.code == "wrong_passphrase":
            passphrase_throttle_failure(signer)
        raise
    passphrase_throttle_reset(signer)
