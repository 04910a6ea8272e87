"""Export stored (sealed) letters: one PDF plus one JSON metadata file per letter."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from naskah.models import Naskah, NaskahTTE
from naskah.services.signing import sealed_bytes


class Command(BaseCommand):
    help = "Write the sealed PDFs of letters to DIR, each with a JSON metadata file."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="target directory (created)")
        parser.add_argument("--status", default=Naskah.Status.DITANDATANGANI)
        parser.add_argument("--since", help="letter date from (YYYY-MM-DD)")

    def handle(self, *args, out, status, since, **options):
        if status not in Naskah.Status.values:
            raise CommandError(f"unknown status {status!r}; use one of {Naskah.Status.values}")
        records = NaskahTTE.objects.filter(naskah__status=status).select_related(
            "naskah__jenis", "naskah__penandatangan__unit", "naskah__kode_klasifikasi", "nomor"
        )
        if since:
            try:
                day = dt.date.fromisoformat(since)
            except ValueError as error:
                raise CommandError(f"--since must be YYYY-MM-DD: {error}") from error
            records = records.filter(naskah__tanggal__gte=day)
        target = Path(out)
        target.mkdir(parents=True, exist_ok=True)
        count = 0
        for record in records.order_by("naskah__tanggal", "pk"):
            dokumen = record.dokumen_terakhir()
            if dokumen is None:
                continue
            naskah = record.naskah
            stem = f"{naskah.pk:06d}-" + "".join(c if c.isalnum() else "-" for c in naskah.nomor)
            (target / f"{stem}.pdf").write_bytes(sealed_bytes(dokumen))
            meta = {
                "id": naskah.pk,
                "nomor": naskah.nomor,
                "tanggal": naskah.tanggal.isoformat() if naskah.tanggal else None,
                "jenis": naskah.jenis.kode,
                "hal": naskah.hal,
                "klasifikasi_keamanan": naskah.klasifikasi_keamanan,
                "kode_klasifikasi": naskah.kode_klasifikasi.kode
                if naskah.kode_klasifikasi
                else None,
                "unit_penandatangan": naskah.penandatangan.unit.kode,
                "status": naskah.status,
                "sha256": dokumen.sha256,
                "token_verifikasi": record.token,
                "tanda_tangan": [
                    {
                        "urutan": d.urutan,
                        "penandatangan": d.penandatangan.nama_lengkap,
                        "jabatan": d.jabatan.nama,
                        "kapasitas": d.kapasitas,
                        "waktu": d.signed_at.isoformat(),
                        "sha256": d.sha256,
                    }
                    for d in record.dokumen.select_related("penandatangan", "jabatan")
                ],
            }
            (target / f"{stem}.json").write_text(
                json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            count += 1
        self.stdout.write(f"{count} letter(s) written to {target}")
