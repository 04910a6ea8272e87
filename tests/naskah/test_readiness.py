"""Check before submission, not at the signer (issue 14 item 3): submission runs the checks
the sign service runs (naskah.services.periksa), lists each problem with a link to the
field, and the signer can return the letter to the drafter from the signing page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.errors import ApplicationError
from naskah.markup import blocks_from_markup
from naskah.models import AturanTTE, JenisNaskah, Naskah
from naskah.selectors.periksa import naskah_readiness_problems
from tests.letters import make_letter
from tests.naskah.alur_helpers import KADIS_KOMINFO, letter, submit
from tests.naskah.tte_helpers import enroll, kode, ready_letter

pytestmark = pytest.mark.django_db


def _nota_dinas_bare(demo):
    """The issue's case: a Nota Dinas with no recipient and no classification code."""
    return make_letter(
        demo,
        "draft",
        jenis="nota_dinas",
        signer=KADIS_KOMINFO,
        hal="Laporan Pemeliharaan Server",
        body=blocks_from_markup("Bersama ini kami laporkan pemeliharaan server."),
        penerima=[],
        kode_klasifikasi=None,
    )


def test_submission_lists_every_missing_part_and_changes_nothing(demo):
    naskah = _nota_dinas_bare(demo)
    with pytest.raises(ApplicationError) as caught:
        submit(demo, naskah)
    problems = caught.value.extra["problems"]
    assert {(p.code, p.field) for p in problems} == {
        ("no_recipient", "penerima"),
        ("no_kode", "kode_klasifikasi"),
    }
    assert len(caught.value.extra["errors"]) == 2
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.KONSEP


def test_a_complete_letter_submits(demo):
    naskah = letter(demo, "prakommuda")
    assert [p for p in naskah_readiness_problems(naskah) if p.blocking] == []
    submit(demo, naskah)
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DIAJUKAN


def test_submit_page_links_each_problem_to_its_field(demo, client):
    naskah = _nota_dinas_bare(demo)
    client.force_login(demo["prakommuda"])
    url = reverse("naskah:alur_submit", args=[naskah.pk])
    page = client.get(url).content.decode()
    edit = reverse("naskah:edit", args=[naskah.pk])
    assert 'id="submit-problems"' in page
    assert f'href="{edit}#penerima-picker"' in page
    assert f'href="{edit}#id_kode_klasifikasi"' in page
    assert 'id="btn-submit" disabled' in page
    # Posting anyway lists the same problems (400) and the letter stays a draft.
    response = client.post(url, {"revisi": naskah.revisi_terakhir, "note": ""})
    assert response.status_code == 400
    assert f'href="{edit}#id_kode_klasifikasi"' in response.content.decode()
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.KONSEP
    # Once fixed, nothing is listed.
    fixed = letter(demo, "prakommuda", jenis="nota_dinas")
    enroll(demo["kadiskominfo"])
    page = client.get(reverse("naskah:alur_submit", args=[fixed.pk])).content.decode()
    assert 'id="submit-problems"' not in page


def test_signer_authority_is_the_sign_service_check(demo):
    """An acting head whose capacity the type forbids: refused at submission by the same
    `signer_authority` the sign service calls."""
    jenis = JenisNaskah.objects.get(kode="surat_dinas")
    naskah = letter(demo, "stafsma", "Kepala Dinas Pendidikan dan Kebudayaan")
    assert [p for p in naskah_readiness_problems(naskah) if p.blocking] == []
    AturanTTE.objects.create(jenis=jenis, pelaksana_dilarang=["plt"])
    problems = [p for p in naskah_readiness_problems(naskah) if p.blocking]
    assert [(p.code, p.field) for p in problems] == [("acting_not_allowed", "penandatangan")]
    with pytest.raises(ApplicationError):
        submit(demo, naskah)


def test_missing_certificate_is_listed_without_blocking(demo):
    naskah = letter(demo, "prakommuda")
    problems = naskah_readiness_problems(naskah)
    assert [(p.code, p.blocking) for p in problems] == [("signer_no_certificate", False)]
    enroll(demo["kadiskominfo"])
    assert naskah_readiness_problems(naskah) == []


def test_the_sign_service_uses_the_same_rule(demo):
    """A letter that loses its classification code after approval (data changed under
    it) is refused at signing by the same content rule, with the submission's message."""
    from naskah.selectors.signing import naskah_sign_check

    naskah = ready_letter(demo, kode_klasifikasi=kode())
    enroll(demo["kadiskominfo"])
    assert naskah_sign_check(naskah=naskah, signer=demo["kadiskominfo"]).first
    Naskah.objects.filter(pk=naskah.pk).update(kode_klasifikasi=None)
    naskah.refresh_from_db()
    with pytest.raises(ApplicationError) as caught:
        naskah_sign_check(naskah=naskah, signer=demo["kadiskominfo"])
    assert caught.value.code == "no_kode"


def test_signer_returns_the_letter_to_the_drafter_from_the_signing_page(demo, client):
    naskah = ready_letter(demo)
    client.force_login(demo["kadiskominfo"])
    page = client.get(reverse("naskah:tte", args=[naskah.pk])).content.decode()
    assert 'id="return-to-drafter"' in page
    form = page[page.index('id="return-to-drafter"') :]
    field = 'name="step_state" value="'
    state = form[form.index(field) + len(field) :].split('"')[0]
    version = form[form.index('name="version" value="') + 22 :].split('"')[0]
    response = client.post(
        reverse("naskah:alur_act", args=[naskah.pk]),
        {
            "action": "return",
            "step_state": state,
            "revisi": naskah.revisi_terakhir,
            "version": version,
            "note": "Kode klasifikasi keliru, mohon diperbaiki.",
        },
    )
    assert response.status_code == 302
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DIKEMBALIKAN
    # Nobody else is offered the return on the signing page.
    other = ready_letter(demo)
    client.force_login(demo["prakommuda"])
    page = client.get(reverse("naskah:tte", args=[other.pk])).content.decode()
    assert 'id="return-to-drafter"' not in page
