"""Slows down passphrase guessing: after NASKAH_SIGNING_MAX_FAILED_ATTEMPTS wrong
passphrases a signer must wait NASKAH_SIGNING_LOCKOUT_SECONDS (counted from the last
attempt) before trying again.

Check and count are one step. Before a passphrase is evaluated, the guess reserves a place
in the signer's PassphraseAttempts row: under the row lock (SELECT ... FOR UPDATE on
PostgreSQL; SQLite's IMMEDIATE transaction serialises writers) the count is compared with
the limit and raised, and that transaction commits at once. N parallel guesses therefore
evaluate at most `limit` passphrases; the rest are refused without being tried. A right
passphrase clears the count; an error that is not a wrong passphrase (the backend is down)
gives its place back.

The reservation is a durable transaction (``transaction.atomic(durable=True)``): it must not
be nested in a caller's transaction, whose rollback after the wrong passphrase would undo the
count. The services call the guard before they open theirs. With BSrE this also keeps Naskah
from exhausting BSrE's own attempt limit, which locks the certificate until a BSrE reset.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from signing.models import PassphraseAttempts

if TYPE_CHECKING:
    from core.models import Pegawai

logger = logging.getLogger(__name__)


def _limits() -> tuple[int, int]:
    return (
        int(settings.NASKAH_SIGNING_MAX_FAILED_ATTEMPTS),
        int(settings.NASKAH_SIGNING_LOCKOUT_SECONDS),
    )


def _locked_error(seconds: int) -> ApplicationError:
    return ApplicationError(
        _(
            "Too many wrong signing passphrases. Wait %(minutes)d minutes and try again, "
            "or ask an administrator if you forgot it."
        )
        % {"minutes": max(1, seconds // 60)},
        code="passphrase_locked",
    )


# A guess refused only because earlier guesses are still being evaluated waits this long
# for them: a right passphrase among them clears the count (so a signer's parallel
# signatures with the right passphrase all go through), wrong ones keep it full.
IN_FLIGHT_WAIT_SECONDS = 10.0


class _Full(Exception):
    def __init__(self, recent: bool):
        self.recent = recent


def passphrase_attempt_reserve(signer: Pegawai) -> None:
    """Count this guess before it is evaluated, or refuse it if the signer is locked out.
    Commits on its own (durable). While the count is full only because of guesses made in
    the last IN_FLIGHT_WAIT_SECONDS (possibly still being evaluated), wait for them, holding
    no lock; at most `limit` guesses are ever evaluated."""
    limit, seconds = _limits()
    if not limit:
        return
    deadline = time.monotonic() + IN_FLIGHT_WAIT_SECONDS
    while True:
        try:
            _reserve_once(signer, limit, seconds)
            return
        except _Full as full:
            if not full.recent or time.monotonic() >= deadline:
                raise _locked_error(seconds) from None
        time.sleep(0.1)


def _reserve_once(signer: Pegawai, limit: int, seconds: int) -> None:
    now = timezone.now()
    with transaction.atomic(durable=True):
        PassphraseAttempts.objects.bulk_create(
            [PassphraseAttempts(pegawai_id=signer.pk)], ignore_conflicts=True
        )
        row = PassphraseAttempts.objects.select_for_update().get(pegawai_id=signer.pk)
        if (
            row.failed
            and row.last_attempt
            and row.last_attempt <= now - dt.timedelta(seconds=seconds)
        ):
            row.failed = 0  # the lockout (or the streak) has expired
        if row.failed >= limit:
            recent = bool(
                row.last_attempt
                and row.last_attempt > now - dt.timedelta(seconds=IN_FLIGHT_WAIT_SECONDS)
            )
            raise _Full(recent)
        row.failed += 1
        row.last_attempt = now
        row.save(update_fields=["failed", "last_attempt"])


def passphrase_attempt_release(signer: Pegawai) -> None:
    """The guess could not be evaluated (not a wrong passphrase): give its place back."""
    PassphraseAttempts.objects.filter(pegawai_id=signer.pk, failed__gt=0).update(
        failed=F("failed") - 1
    )


def passphrase_throttle_reset(signer: Pegawai) -> None:
    PassphraseAttempts.objects.filter(pegawai_id=signer.pk).update(failed=0)


@contextmanager
def passphrase_guard(signer: Pegawai) -> Iterator[None]:
    """Reserve (or refuse) the guess; keep it counted if wrong; clear after a right one."""
    passphrase_attempt_reserve(signer)
    try:
        yield
    except ApplicationError as exc:
        if exc.code == "wrong_passphrase":
            logger.warning("wrong signing passphrase for signer %s", signer.pk)
        else:
            passphrase_attempt_release(signer)
        raise
    except BaseException:
        passphrase_attempt_release(signer)
        raise
    passphrase_throttle_reset(signer)
