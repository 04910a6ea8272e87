"""Validation benchmark: `python -m benchmarks.validation` (or main() from `make bench`).

A ~4 MB PDF (one incompressible image, ASCII85-encoded by reportlab) signed by 8 signers
of the local CA (B-B, one incremental update each), validated by
`signing.validation.pdf_validate` (the report of /verifikasi/: per-signature ETSI
indication, the CA's CRL, DSS read) and, in the same run, by bare pyHanko
(`validate_pdf_signature` for each signature with a ValidationContext trusting the CA).
Target: pdf_validate <= 3 s. Prints the load average: the machine is shared, so compare
the two figures of one run, not runs with each other.
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

RUNS = 5
SIGNERS = 8
PASSPHRASE = "bench-validation-passphrase"  # noqa: S105 - throw-away benchmark database


def _setup() -> None:
    if __package__ in (None, ""):
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    folder = tempfile.mkdtemp(prefix="naskah-bench-validation-")
    os.environ["DATA_DIR"] = folder
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = os.path.join(folder, "media")
    settings.NASKAH_TSA_URL = ""
    call_command("migrate", verbosity=0)


def _big_pdf(megabytes: float = 3.2) -> bytes:
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    image = Image.frombytes("RGB", (side, side), secrets.token_bytes(side * side * 3))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawString(72, 800, "Benchmark validasi: 8 tanda tangan")
    c.drawImage(ImageReader(image), 72, 200, width=450, height=450)
    c.showPage()
    c.save()
    return buf.getvalue()


def _signed_document() -> bytes:
    from core.models import Pegawai
    from signing.demo import demo_officer
    from signing.services import pdf_sign, signer_enroll

    doc = _big_pdf()
    officer = demo_officer()
    if officer is None:  # no demo data: a registration officer of the benchmark's own
        from django.contrib.auth.models import Group

        from signing.demo import registration_officer_group

        officer = Pegawai.objects.create(username="bench-val-officer", nama="Petugas")
        group, _ = Group.objects.get_or_create(name=registration_officer_group())
        group.user_set.add(officer)
    for n in range(SIGNERS):
        person = Pegawai.objects.create(username=f"bench-val-{n}", nama=f"Pejabat {n}")
        signer_enroll(signer=person, passphrase=PASSPHRASE, officer=officer)
        doc = pdf_sign(pdf=doc, signer=person, credential=PASSPHRASE, field_name=f"TTE_{n}").pdf
    return doc


def _bare(pdf: bytes) -> int:
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from signing.models import CertificateAuthority

    ca = CertificateAuthority.objects.get(pk=1)
    roots = [
        asn1_x509.Certificate.load(der)
        for _t, _h, der in pem.unarmor(ca.certificate_pem.encode(), True)
    ]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return sum(
        1 for s in reader.embedded_signatures if validate_pdf_signature(s, context).bottom_line
    )


def _time(fn, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    from django.apps import apps

    if not apps.ready:  # run directly, not from scripts/bench.py
        _setup()
    from signing.validation import pdf_validate

    pdf = _signed_document()
    report = pdf_validate(pdf)
    assert report.ok and len(report.signatures) == SIGNERS, [
        (s.indication, s.sub_indication) for s in report.signatures
    ]
    assert _bare(pdf) == SIGNERS
    loadavg = Path("/proc/loadavg")
    load = loadavg.read_text().split()[:3] if loadavg.exists() else ["?"]
    ours = _time(lambda: pdf_validate(pdf), RUNS)
    bare = _time(lambda: _bare(pdf), RUNS)
    print(f"load average {' '.join(load)} (shared machine)")
    print(f"document: {len(pdf) / 1024 / 1024:.2f} MB, {SIGNERS} signatures (B-B, local CA)")
    print(
        f"pdf_validate (report, CRL, DSS): median {statistics.median(ours):.2f} s, "
        f"max {max(ours):.2f} s, n={RUNS}  (target <= 3 s)"
    )
    print(f"bare pyHanko validate_pdf_signature x{SIGNERS}: median {statistics.median(bare):.2f} s")
    print(f"ratio: {statistics.median(ours) / statistics.median(bare):.2f}x")


if __name__ == "__main__":
    main()
