"""What one signature costs the database, and that the leaner path still leaves every
record it did: the route's events, the drafter's notice, the audit events, the queued
dispatch and e-mail, and a signature block with whoever acts for the position."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.core.cache import cache
from django_q.models import OrmQ

from core.models import AuditEvent
from naskah.models import Naskah
from naskah.selectors.approval import naskah_route_latest
from naskah.services.signing import naskah_sign, sealed_bytes
from signing.services import signer_unlock
from tests.naskah.tte_helpers import PASSPHRASE, enroll, ready_letter
from workflows.models import Notifikasi, RouteEvent, StepState

pytestmark = pytest.mark.django_db

# One single-signature letter with an unlocked key, inside the test's transaction (so
# without the after-commit audit seal): the letter and its book before the transaction,
# then locks, checks, number, record, render context, certificate, sealed version, route
# completion, letter update, audit events, the two queue rows, the sealed file's
# pending-area row (published after the commit); and the file copy (pertinggal, issue 13):
# the paraf chain, its seal (certificate re-read, audit), its row and its pending-area row.
# Since the integrity and regulation work (7 Dec 2026): the file copy's certificate re-read,
# audit event, pending-area row and row (4), and the completion notice's e-mail queued in the
# same transaction (core.services.attempts: nothing is dropped if the process dies).
# Since the cryptographic paraf (issue 18): the paraf statements signed on this revision,
# read once to list them in the file copy (1).
MAX_QUERIES_PER_SIGN = 51


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def test_a_signature_runs_a_bounded_number_of_queries(demo, django_assert_max_num_queries):
    signer = enroll(demo["kadiskominfo"])
    first, second = ready_letter(demo), ready_letter(demo, hal="Kedua")
    with signer_unlock(signer=signer, passphrase=PASSPHRASE) as key:
        naskah_sign(naskah=first, signer=signer, key=key)  # creates the numbering book
        with django_assert_max_num_queries(MAX_QUERIES_PER_SIGN):
            naskah_sign(naskah=second, signer=signer, key=key)
    second.refresh_from_db()
    assert second.status == Naskah.Status.DITANDATANGANI


def test_signing_leaves_the_same_records(demo):
    signer = enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    route = naskah_route_latest(naskah)
    signature = StepState.objects.get(route=route, status="active", kind="tandatangan")
    events_before = RouteEvent.objects.filter(route=route).count()
    audit_before = AuditEvent.objects.latest("pk").pk
    OrmQ.objects.all().delete()

    naskah_sign(naskah=naskah, signer=signer, passphrase=PASSPHRASE)

    naskah.refresh_from_db()
    route.refresh_from_db()
    signature.refresh_from_db()
    assert naskah.status == Naskah.Status.DITANDATANGANI and naskah.nomor and naskah.tanggal
    assert naskah.tte.selesai and naskah.tte.nomor.teks == naskah.nomor
    assert route.status == "completed" and route.current_stage is None and route.finished_at
    assert signature.status == "approved" and signature.acted_by_id == signer.pk
    assert signature.acted_capacity == "definitif"
    assert signature.approved_revision == signature.covers_revision == str(naskah.revisi_terakhir)
    new_events = RouteEvent.objects.filter(route=route).order_by("pk")[events_before:]
    assert [(e.kind, e.actor_id, e.step_state_id) for e in new_events] == [
        ("approved", signer.pk, signature.pk),
        ("completed", None, None),
    ]
    notice = Notifikasi.objects.get(key=f"completed:{route.pk}")
    assert notice.recipient_id == route.drafter_id and notice.route_id == route.pk
    actions = list(
        AuditEvent.objects.filter(pk__gt=audit_before)
        .exclude(action="penomoran.buku.create")  # the letter's first book, before the sign
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "penomoran.nomor.allocate",
        "signing.pdf_sign",
        "signing.pdf_sign",  # the file copy (pertinggal) is sealed too
        "workflows.step.approve",
        "naskah.sign",
    ]
    queued = sorted((q.func(), tuple(q.task["args"])) for q in OrmQ.objects.all())
    assert queued == sorted(
        [
            ("naskah.tasks.naskah_dispatch_task", (naskah.pk,)),
            ("workflows.tasks.notifikasi_email_task", (notice.pk,)),
        ]
    )


def test_acting_signer_block_from_the_authority_check(demo):
    """kabidaptika is Plh Kepala Bidang Persandian: the final page names them as Plh (the
    holder found by the authority check is the one the signature block shows)."""
    from naskah.models import JenisNaskah

    if not JenisNaskah.objects.filter(kode="nota_dinas").exists():
        pytest.skip("no nota_dinas type")
    enroll(demo["kabidaptika"])
    naskah = ready_letter(
        demo,
        user="statistisi",
        signer="Kepala Bidang Persandian dan Statistik",
        jenis=JenisNaskah.objects.get(kode="nota_dinas"),
    )
    dokumen = naskah_sign(naskah=naskah, signer=demo["kabidaptika"], passphrase=PASSPHRASE)
    assert dokumen.kapasitas == "plh"
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=sealed_bytes(dokumen), capture_output=True, check=True
    ).stdout.decode()
    assert "Plh." in text
    assert demo["kabidaptika"].nama in text


def test_paraf_check_in_one_pass_keeps_every_rule(demo):
    """naskah_paraf_complete reads stages with steps and approvals once each; the rules
    are unchanged: quorum per paraf stage, every required paraf, stage order, current
    revision, the signer's signature step waiting. Same answer with the route given."""
    import datetime as dt

    from naskah.selectors.approval import naskah_paraf_complete, naskah_route_open
    from workflows.models import Stage, Step

    naskah = ready_letter(demo)
    route = naskah_route_open(naskah)

    def both() -> bool:
        fresh = Naskah.objects.get(pk=naskah.pk)
        given = naskah_paraf_complete(fresh, route=naskah_route_open(fresh))
        assert naskah_paraf_complete(fresh) is given
        return given

    assert both()
    paraf_stages = list(Stage.objects.filter(route=route).exclude(kind="tandatangan"))
    assert paraf_stages
    first = paraf_stages[0]
    approval = StepState.objects.get(route=route, stage_index=first.index, status="approved")

    # A second, required step in the first stage with a quorum of one: the quorum is met,
    # the required paraf is not.
    extra = Step.objects.create(
        route=route,
        stage=first,
        order=9,
        kind=approval.kind,
        jabatan_id=approval.jabatan_id,
        label="Tambahan",
        required=True,
    )
    Stage.objects.filter(pk=first.pk).update(quorum=1)
    assert not both()
    Step.objects.filter(pk=extra.pk).update(required=False)
    assert both()

    # An empty paraf stage that needs one approval blocks the signature.
    empty = Stage.objects.create(route=route, index=50, kind=first.kind, quorum=1)
    assert not both()
    empty.delete()
    assert both()

    # Approvals out of stage order.
    if len(paraf_stages) > 1:
        later = StepState.objects.filter(
            route=route, stage_index=paraf_stages[1].index, status="approved"
        ).first()
        StepState.objects.filter(pk=later.pk).update(
            acted_at=approval.acted_at - dt.timedelta(minutes=1)
        )
        assert not both()
        StepState.objects.filter(pk=later.pk).update(acted_at=later.acted_at)
        assert both()

    # An approval of an older revision does not count.
    StepState.objects.filter(pk=approval.pk).update(covers_revision="0")
    assert not both()
    StepState.objects.filter(pk=approval.pk).update(covers_revision=approval.covers_revision)
    assert both()

    # Only the letter's own signer's signature step.
    Step.objects.filter(route=route, kind="tandatangan").update(jabatan_id=approval.jabatan_id)
    assert not both()
