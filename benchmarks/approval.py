"""Approval benchmark: the cost of submitting a letter and of one paraf through the naskah
services (route proposal, engine, status, audit), and of the visible-letter list (first 50
rows) for a unit administrator who is also on many routes.

    .venv/bin/python -m benchmarks.approval
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/naskah .venv/bin/python -m benchmarks.approval

It creates a throw-away test database (test_<name>) and drops it at the end.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import time


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def _line(name: str, values: list[float]) -> str:
    return (
        f"  {name:16s} p50 {statistics.median(values):7.2f} ms   p95 {_p(values, 0.95):7.2f} ms"
        f"   n={len(values)}"
    )


def run(letters: int, list_runs: int) -> None:
    from core.models import Jabatan, KodeKlasifikasi, Pegawai
    from naskah.markup import blocks_from_markup
    from naskah.models import JenisNaskah
    from naskah.selectors.approval import naskah_list_for_user
    from naskah.services import naskah_create
    from naskah.services.approval import naskah_paraf, naskah_submit
    from workflows.models import StepState

    jenis = JenisNaskah.objects.get(kode="surat_dinas")
    signer = Jabatan.objects.get(nama="Kepala Dinas Komunikasi, Informatika dan Statistik")
    drafter = Pegawai.objects.get(username="agendakominfo")
    reviewer = Pegawai.objects.get(username="sekdiskominfo")
    body = blocks_from_markup("Dengan hormat, bersama ini kami sampaikan permohonan data.")
    kode = KodeKlasifikasi.objects.filter(kode="000.1.2.3", skema__aktif=True).first()
    submit_ms: list[float] = []
    paraf_ms: list[float] = []
    for i in range(letters):
        naskah = naskah_create(
            actor=drafter,
            jenis=jenis,
            penandatangan=signer,
            hal=f"Surat {i}",
            body=body,
            penerima=[{"jenis": "tujuan", "nama": "Kepala Dinas Pendidikan Kota Metro"}],
            kode_klasifikasi=kode,
        )
        began = time.perf_counter()
        naskah_submit(actor=drafter, naskah=naskah, expected_revisi=1)
        submit_ms.append((time.perf_counter() - began) * 1000)
        if i % 2 == 0:
            state = StepState.objects.get(route__object_id=str(naskah.pk), status="active")
            began = time.perf_counter()
            naskah_paraf(actor=reviewer, naskah=naskah, step_state=state, expected_revisi=1)
            paraf_ms.append((time.perf_counter() - began) * 1000)
    list_ms: list[float] = []
    for _ in range(list_runs):
        began = time.perf_counter()
        rows = list(naskah_list_for_user(reviewer)[:50])
        list_ms.append((time.perf_counter() - began) * 1000)
    assert len(rows) == min(50, letters)
    print(_line("naskah_submit", submit_ms))
    print(_line("naskah_paraf", paraf_ms))
    print(_line("list first 50", list_ms))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    _setup_django()
    from django.conf import settings
    from django.db import connection

    from core.demo import demo_seed

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        demo_seed(password=secrets.token_urlsafe(16))
        print(f"approval ({connection.vendor}, {args.letters} letters)")
        run(args.letters, args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
