"""The guards of durable batch signing (naskah/services/signing_batch.py), in one process: a
letter is signed by the run that claimed it only, never twice, and a live batch cannot be
continued by a second run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ApplicationError, ConflictError
from naskah.models import BatchTTE, BatchTTEItem, DokumenTersegel
from naskah.services.signing_batch import (
    batch_mark_stale,
    batch_sign_item,
    naskah_batch_continue,
    naskah_batch_sign,
)
from signing.services import signer_unlock
from tests.naskah.tte_helpers import PASSPHRASE, enroll, ready_letter


def _claimed(demo, naskah, token="a" * 32):
    batch = BatchTTE.objects.create(
        penandatangan=demo["kadiskominfo"], pemilik=token, denyut_pada=timezone.now()
    )
    return BatchTTEItem.objects.create(
        batch=batch, naskah=naskah, status="proses", pemilik=token, diklaim_pada=timezone.now()
    )


def test_an_item_claimed_by_another_run_is_left_alone(demo):
    signer = enroll(demo["kadiskominfo"])
    item = _claimed(demo, ready_letter(demo))
    with signer_unlock(signer=signer, passphrase=PASSPHRASE) as key:
        assert batch_sign_item(item.pk, "b" * 32, signer, key) is None
    item.refresh_from_db()
    assert item.status == "proses"
    assert not DokumenTersegel.objects.filter(tte__naskah=item.naskah).exists()


def test_a_letter_is_never_signed_twice_even_if_its_item_is_run_again(demo):
    signer = enroll(demo["kadiskominfo"])
    item = _claimed(demo, ready_letter(demo))
    with signer_unlock(signer=signer, passphrase=PASSPHRASE) as key:
        assert batch_sign_item(item.pk, "a" * 32, signer, key) == "berhasil"
        # A second run that somehow holds the same claim signs the same letter again:
        BatchTTEItem.objects.filter(pk=item.pk).update(status="proses")
        assert batch_sign_item(item.pk, "a" * 32, signer, key) == "gagal"
    assert DokumenTersegel.objects.filter(tte__naskah=item.naskah).count() == 1


def test_continue_is_refused_while_the_run_is_alive_and_after_a_wrong_passphrase(demo):
    signer = enroll(demo["kadiskominfo"])
    item = _claimed(demo, ready_letter(demo))
    batch = item.batch
    with pytest.raises(ConflictError):
        naskah_batch_continue(batch=batch, signer=signer, passphrase=PASSPHRASE)
    BatchTTE.objects.filter(pk=batch.pk).update(
        denyut_pada=timezone.now() - dt.timedelta(minutes=5)
    )
    with pytest.raises(ApplicationError):
        naskah_batch_continue(batch=batch, signer=signer, passphrase="salah-salah-1")
    batch.refresh_from_db()
    item.refresh_from_db()
    # Marked interrupted on the way (the run is silent), but nothing restarted or signed.
    assert batch.status == "terhenti" and item.status == "terputus"
    assert batch_mark_stale(batch) is False  # already marked
    naskah_batch_continue(batch=batch, signer=signer, passphrase=PASSPHRASE, background=False)
    item.refresh_from_db()
    batch.refresh_from_db()
    assert item.status == "berhasil" and batch.status == "selesai"
    with pytest.raises(ConflictError):  # nothing left to sign
        naskah_batch_continue(batch=batch, signer=signer, passphrase=PASSPHRASE)


def test_a_finished_batch_with_a_failed_letter_continues_with_that_letter_only(demo):
    from naskah.models import Naskah

    signer = enroll(demo["kadiskominfo"])
    letters = [ready_letter(demo, hal=f"Surat {i}") for i in range(2)]
    kode = letters[1].kode_klasifikasi
    Naskah.objects.filter(pk=letters[1].pk).update(kode_klasifikasi=None)
    batch = naskah_batch_sign(
        signer=signer, naskah_ids=[n.pk for n in letters], passphrase=PASSPHRASE, background=False
    )
    assert sorted(batch.items.values_list("status", flat=True)) == ["berhasil", "gagal"]
    Naskah.objects.filter(pk=letters[1].pk).update(kode_klasifikasi=kode)
    naskah_batch_continue(batch=batch, signer=signer, passphrase=PASSPHRASE, background=False)
    assert list(batch.items.values_list("status", flat=True)) == ["berhasil", "berhasil"]
    assert DokumenTersegel.objects.filter(tte__naskah__in=letters).count() == 2


def test_a_database_error_mid_run_is_retried_and_a_run_that_gives_up_is_interrupted(
    demo, monkeypatch
):
    """Found by the chaos run: a terminated database connection ended the run, which then
    recorded the batch "finished" with letters still waiting."""
    from django.db import OperationalError

    import naskah.services.signing_batch as tte_batch

    signer = enroll(demo["kadiskominfo"])
    letters = [ready_letter(demo, hal=f"Surat {i}") for i in range(3)]
    real = tte_batch.batch_sign_item
    calls = {"n": 0}

    def flaky(item_pk, token, signer, key):
        calls["n"] += 1
        if calls["n"] == 2:  # the second letter's transaction loses its connection
            raise OperationalError("terminating connection due to administrator command")
        return real(item_pk, token, signer, key)

    monkeypatch.setattr(tte_batch, "batch_sign_item", flaky)
    monkeypatch.setattr(tte_batch.time, "sleep", lambda s: None)
    batch = naskah_batch_sign(
        signer=signer, naskah_ids=[n.pk for n in letters], passphrase=PASSPHRASE, background=False
    )
    batch.refresh_from_db()
    assert batch.status == "selesai"
    assert list(batch.items.values_list("status", flat=True)) == ["berhasil"] * 3
    assert DokumenTersegel.objects.filter(tte__naskah__in=letters).count() == 3

    # A database that stays away: the run stops and says so; nothing is called finished.
    more = [ready_letter(demo, hal=f"Surat lagi {i}") for i in range(2)]

    def down(item_pk, token, signer, key):
        raise OperationalError("the database is away")

    monkeypatch.setattr(tte_batch, "batch_sign_item", down)
    with pytest.raises(OperationalError):
        naskah_batch_sign(
            signer=signer, naskah_ids=[n.pk for n in more], passphrase=PASSPHRASE, background=False
        )
    stopped = BatchTTE.objects.order_by("-pk").first()
    assert stopped.status == "terhenti"
    assert sorted(stopped.items.values_list("status", flat=True)) == ["menunggu", "terputus"]
    assert not DokumenTersegel.objects.filter(tte__naskah__in=more).exists()
