"""The passphrase lockout reserves each guess before it is evaluated (signing/throttle.py):
N parallel wrong passphrases evaluate at most the limit. The PostgreSQL test runs the guesses
in parallel threads; the others check the rule on SQLite."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import time_machine
from django.db import connection, transaction

from core.errors import ApplicationError
from signing.models import PassphraseAttempts
from signing.services import signer_unlock
from tests.factories import PegawaiFactory

RIGHT = "kunci-yang-benar-1"
WRONG = "tebakan-salah"


class CountingBackend:
    """Evaluates passphrases without scrypt and counts how many it evaluated."""

    def __init__(self, *, delay: float = 0.0, error_code: str = "wrong_passphrase"):
        self.evaluated = 0
        self.delay = delay
        self.error_code = error_code
        self._lock = threading.Lock()

    def unlock(self, signer, passphrase, *, credential_kind="passphrase"):
        with self._lock:
            self.evaluated += 1
        if self.delay:
            time.sleep(self.delay)  # widens the race window; nothing is timed
        if passphrase != RIGHT:
            raise ApplicationError("wrong", code=self.error_code)
        return object()


def _guess(signer, backend, passphrase=WRONG):
    try:
        signer_unlock(signer=signer, passphrase=passphrase, backend=backend)
    except ApplicationError as exc:
        return exc.code
    return "ok"


@pytest.fixture
def limits(settings):
    settings.NASKAH_SIGNING_MAX_FAILED_ATTEMPTS = 5
    settings.NASKAH_SIGNING_LOCKOUT_SECONDS = 600


@pytest.mark.django_db
def test_the_guess_after_the_limit_is_refused_without_being_evaluated(limits):
    signer, backend = PegawaiFactory(), CountingBackend()
    outcomes = [_guess(signer, backend) for _ in range(8)]
    assert outcomes == ["wrong_passphrase"] * 5 + ["passphrase_locked"] * 3
    assert backend.evaluated == 5
    assert _guess(signer, backend, RIGHT) == "passphrase_locked"  # even the right one
    assert backend.evaluated == 5


@pytest.mark.django_db
def test_the_lockout_ends_after_the_wait_and_a_right_passphrase_clears_the_count(limits):
    signer, backend = PegawaiFactory(), CountingBackend()
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _guess(signer, backend)
        assert _guess(signer, backend, RIGHT) == "passphrase_locked"
    with time_machine.travel(start + dt.timedelta(seconds=601), tick=False):
        assert _guess(signer, backend, RIGHT) == "ok"
        assert PassphraseAttempts.objects.get(pegawai=signer).failed == 0
        assert [_guess(signer, backend) for _ in range(5)] == ["wrong_passphrase"] * 5


@pytest.mark.django_db
def test_an_error_that_is_not_a_wrong_passphrase_gives_its_place_back(limits):
    signer, backend = PegawaiFactory(), CountingBackend(error_code="bsre_unavailable")
    assert [_guess(signer, backend) for _ in range(8)] == ["bsre_unavailable"] * 8
    assert PassphraseAttempts.objects.get(pegawai=signer).failed == 0


@pytest.mark.django_db
def test_the_guard_refuses_to_run_inside_a_transaction_that_could_undo_the_count(limits):
    signer = PegawaiFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        _guess(signer, CountingBackend())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passphrases_evaluate_at_most_the_limit(limits):
    """The issue's case: 24 parallel wrong passphrases evaluated 10 against a limit of 5."""
    signer = PegawaiFactory()
    backend = CountingBackend(delay=0.05)
    barrier = threading.Barrier(24)
    outcomes: list[str] = []

    def attempt():
        try:
            barrier.wait()
            outcomes.append(_guess(signer, backend))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert backend.evaluated == 5
    assert sorted(outcomes) == ["passphrase_locked"] * 19 + ["wrong_passphrase"] * 5
    assert PassphraseAttempts.objects.get(pegawai=signer).failed == 5
