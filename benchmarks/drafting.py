"""Drafting benchmark: what one live-preview refresh costs on the server (check the typed
form, build the context from the database, render the PDF), per letter type, using the
demo organisation in a throw-away SQLite database.

Run: ``.venv/bin/python -m benchmarks.drafting``
"""

from __future__ import annotations

import io
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

RUNS = 15
KODES = ["surat_undangan", "surat_tugas", "keputusan_gubernur", "berita_acara", "laporan"]


def _setup() -> None:
    if __package__ in (None, ""):
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    folder = tempfile.mkdtemp(prefix="naskah-bench-")
    os.environ["DATA_DIR"] = folder
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from core.demo import demo_seed

    demo_seed(password=secrets.token_urlsafe(16))


def main() -> None:
    _setup()
    from pypdf import PdfReader

    from naskah.context import naskah_render_context
    from naskah.rendering import render_naskah
    from naskah.samples import sample_revision

    print(f"{'type':<22}{'check+context ms':>18}{'render ms':>12}{'total ms':>10}{'pages':>7}")
    for kode in KODES:
        prep, render = [], []
        pages = 0
        for _ in range(RUNS):
            start = time.perf_counter()
            revisi = sample_revision(kode)
            layout, context = naskah_render_context(revisi, preview=True)
            middle = time.perf_counter()
            pdf = render_naskah(layout, context)
            end = time.perf_counter()
            prep.append(middle - start)
            render.append(end - middle)
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
        p, r = statistics.median(prep) * 1000, statistics.median(render) * 1000
        print(f"{kode:<22}{p:>18.1f}{r:>12.1f}{p + r:>10.1f}{pages:>7}")


if __name__ == "__main__":
    main()
