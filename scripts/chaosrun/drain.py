"""The drain: no faults, queued work and interrupted batches finish."""

from __future__ import annotations

import time
from collections import Counter

from chaosrun.config import SIGNER
from chaosrun.load import Load

# --- Drain -------------------------------------------------------------------------------------


def _open_work() -> dict:
    # Periodic jobs (archive sync every minute, …) are always about to be queued again; a
    # message of any other task still on the queue after the drain was not finished.
    from django_q.models import OrmQ, Schedule

    from naskah.masuk.models import SuratMasuk
    from naskah.models import BatchTTE, Distribusi, NaskahTTE

    periodic = set(Schedule.objects.values_list("func", flat=True))
    queued = 0
    for message in OrmQ.objects.all():
        try:
            queued += message.func() not in periodic
        except Exception:  # noqa: BLE001 - an undecodable message is unfinished work too
            queued += 1
    return {
        "queued": queued,
        "ocr": SuratMasuk.objects.filter(ocr_status__in=["menunggu", "diproses"]).count(),
        "dispatch": NaskahTTE.objects.filter(selesai=True)
        .exclude(kirim_status__in=["selesai", "gagal"])
        .count(),
        "email": Distribusi.objects.filter(status__in=["menunggu", "mengirim"]).count(),
        "batches": BatchTTE.objects.exclude(status="selesai").count(),
    }


def drain(load: Load, seconds: float, stats: Counter) -> dict:
    """Let the queue empty; continue interrupted batches through their page."""
    from naskah.demo import demo_passphrase
    from naskah.models import BatchTTE

    deadline = time.monotonic() + seconds
    work = _open_work()
    while time.monotonic() < deadline:
        for batch in BatchTTE.objects.exclude(status="selesai"):
            signer = load.person(SIGNER)
            signer.get(f"/naskah/tte/batch/{batch.pk}/")  # marks a silent run interrupted
            batch.refresh_from_db()
            if batch.status == BatchTTE.Status.TERHENTI:
                signer.post(
                    f"/naskah/tte/batch/{batch.pk}/lanjut/", {"passphrase": demo_passphrase()}
                )
                stats["batches_continued"] += 1
        work = _open_work()
        if not any(work.values()):
            break
        time.sleep(2)
    return work
