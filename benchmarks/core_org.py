"""Organisation and audit: acting-holder resolution, the organisation tree page query,
and appending to the audit hash chain."""

from __future__ import annotations

from django.db import transaction

from benchmarks._util import summary, timed
from core.demo import demo_seed
from core.events import BENCH_AUDIT
from core.models import Jabatan
from core.selectors.organisasi import jabatan_holder_on, organisasi_tree
from core.services.audit import audit_record, audit_verify_chain


def main() -> None:
    demo_seed(password="bench-only-password")
    sandi = Jabatan.objects.get(nama="Kepala Bidang Persandian dan Statistik")
    print(
        "jabatan_holder_on (Plh active):",
        summary(timed(lambda: jabatan_holder_on(sandi), repeat=300)),
    )
    print("organisasi_tree (whole demo org):", summary(timed(organisasi_tree, repeat=100)))

    def append():
        with transaction.atomic():
            audit_record(actor=None, action=BENCH_AUDIT, details={"k": "v"})

    samples = timed(append, repeat=500)
    print("audit_record (own transaction):", summary(samples))
    result = audit_verify_chain()
    print(f"verify_audit: {result.checked} events, ok={result.ok}")
