"""Export records as a BagIt bundle, for one berkas or a date range.

    python manage.py arsip_export_bundle --user arsiparis --berkas 12 --out /tmp/bag
    python manage.py arsip_export_bundle --user arsiparis --from 2024-01-01 \
        --to 2024-12-31 --out /tmp/bag
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from arsip.models import Berkas
from arsip.services.export import arsip_export_bundle
from core.errors import ApplicationError
from core.models import Pegawai


class Command(BaseCommand):
    help = "Write a BagIt export bundle of archive records."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="archivist account to export as")
        parser.add_argument("--berkas", type=int)
        parser.add_argument("--from", dest="dari", type=dt.date.fromisoformat)
        parser.add_argument("--to", dest="sampai", type=dt.date.fromisoformat)
        parser.add_argument("--out", required=True)

    def handle(self, *args, user, berkas, dari, sampai, out, **options):
        actor = Pegawai.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {user!r}")
        berkas_obj = None
        if berkas is not None:
            berkas_obj = Berkas.objects.filter(pk=berkas).first()
            if berkas_obj is None:
                raise CommandError(f"No berkas {berkas}")
        try:
            result = arsip_export_bundle(
                actor=actor,
                target=Path(out),
                berkas=berkas_obj,
                tanggal_dari=dari,
                tanggal_sampai=sampai,
            )
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.records} records, {result.files} files, {result.bytes} bytes "
                f"in {result.path}"
            )
        )
