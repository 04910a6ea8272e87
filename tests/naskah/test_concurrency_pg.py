"""Two people saving the same revision at once on PostgreSQL: exactly one new revision,
the other gets a ConflictError and nothing of theirs is stored."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from core.errors import ConflictError
from naskah.models import Naskah
from naskah.services import naskah_update

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_concurrent_saves_of_one_revision(make_draft, demo):
    naskah = make_draft()
    barrier = threading.Barrier(2)
    outcome: list[str] = []

    def save(hal: str):
        try:
            barrier.wait()
            naskah_update(
                actor=demo["prakommuda"],
                naskah=Naskah.objects.get(pk=naskah.pk),
                expected_revisi=1,
                penandatangan=naskah.penandatangan,
                hal=hal,
                body=naskah.revisi.get(nomor=1).body,
            )
            outcome.append("saved")
        except ConflictError:
            outcome.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(f"Versi {i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcome) == ["conflict", "saved"]
    naskah.refresh_from_db()
    assert naskah.revisi_terakhir == 2 and naskah.revisi.count() == 2
    assert naskah.hal == naskah.revisi.get(nomor=2).header["hal"]
