"""Drafting that does not lose work (issue 14 item 7): urgency defaults to Biasa, the form
autosaves a draft revision (one per interval, idempotent, audited), an incomplete draft can
be kept, attachments can be added before the first save, the preview shows placeholders
instead of field keys for every type, the form has no duplicate labels, the other-signer
rows and the coordination units offer only what the rules allow."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from core.errors import ApplicationError
from core.models import AuditEvent, Jabatan, UnitKerja
from core.selectors.organisasi import unit_ancestors
from naskah.forms.approval import SubmitForm
from naskah.forms.drafting import NaskahForm
from naskah.models import JenisNaskah, Lampiran, Naskah, NaskahRevisi
from naskah.selectors.kewenangan import jabatan_signers, jenis_allows_signer
from naskah.selectors.periksa import naskah_content_problems
from naskah.services.drafting import AUTOSAVE_CATATAN
from tests.naskah.conftest import jabatan, pdf_bytes
from tests.pdfsafe_corpus import page_aa_javascript

pytestmark = pytest.mark.django_db

KADIS = "Kepala Dinas Komunikasi, Informatika dan Statistik"
KEY = "0123456789abcdef0123456789abcdef"


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _data(**overrides) -> dict:
    data = {
        "penandatangan": jabatan(KADIS).pk,
        "mandat": "",
        "hal": "Undangan Rapat Tanpa Kehilangan",
        "urgensi": "biasa",
        "klasifikasi_keamanan": "biasa",
        "kode_klasifikasi": "000.1.5",
        "tempat": "",
        "body": "Dengan hormat, kami mengundang Saudara pada:",
        "f_waktu": "09.00 WIB",
        "penerima": [json.dumps({"jenis": "tujuan", "nama": "Kepala Dinas Pariwisata"})],
    }
    data.update(overrides)
    return data


def _autosave_new(client, kode="surat_undangan", **overrides):
    url = reverse("naskah:autosave_new", args=[kode])
    return client.post(url, {"autosave_key": KEY, **_data(**overrides)})


# --- Urgency -------------------------------------------------------------------------------------


def test_a_new_letter_defaults_to_biasa(client, demo):
    client.force_login(demo["prakommuda"])
    html = client.get(reverse("naskah:new", args=["surat_dinas"])).content.decode()
    select = html.split('name="urgensi"')[1].split("</select>")[0]
    assert re.search(r'<option value="biasa" selected>', select)
    assert not re.search(r'<option value="amat_segera" selected>', select)
    form = NaskahForm(jenis=JenisNaskah.objects.get(kode="nota_dinas"), user=demo["prakommuda"])
    assert form["urgensi"].value() == "biasa"


# --- Autosave ------------------------------------------------------------------------------------


def test_first_autosave_creates_the_draft_once_per_key(client, demo):
    client.force_login(demo["prakommuda"])
    first = _autosave_new(client)
    assert first.status_code == 200, first.content
    body = first.json()
    naskah = Naskah.objects.get()
    assert body["status"] == "saved" and body["naskah"] == naskah.pk and body["revisi"] == 1
    assert body["edit_url"] == reverse("naskah:edit", args=[naskah.pk])
    assert re.fullmatch(r"\d\d:\d\d", body["saved_at"])
    revisi = naskah.revisi.get()
    assert revisi.catatan == AUTOSAVE_CATATAN
    # an incomplete Undangan (no date, place, event yet) is kept as it is
    assert revisi.fields == {"waktu": "09.00 WIB"}
    event = AuditEvent.objects.get(action="naskah.create", object_id=str(naskah.pk))
    assert event.details["otomatis"] is True
    # the same page's first autosave again (a retry): the same draft, nothing new
    again = _autosave_new(client, hal="Diketik lagi")
    assert again.status_code == 200
    assert again.json()["naskah"] == naskah.pk and again.json()["status"] == "unchanged"
    assert Naskah.objects.count() == 1 and NaskahRevisi.objects.count() == 1


def test_autosave_keeps_a_draft_typed_before_its_subject(client, demo, settings):
    """From the first field typed: only the body of a new letter, no subject yet."""
    settings.LANGUAGE_CODE = "en"
    client.force_login(demo["prakommuda"])
    only_body = {"penerima": [], "f_waktu": "", "hal": "", "body": "Kalimat pertama surat."}
    first = _autosave_new(client, kode="nota_dinas", **only_body)
    assert first.status_code == 200, first.content
    naskah = Naskah.objects.get()
    assert naskah.hal == "" and naskah.revisi.get().body  # the typed text is kept
    # the draft list shows a readable label, in both languages
    listed = client.get(reverse("naskah:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "(no subject yet)" in listed
    client.cookies["django_language"] = "id"
    listed = client.get(reverse("naskah:list"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "(belum ada hal)" in listed
    # A later autosave may still have no subject; saving by hand and submitting need it.
    url = reverse("naskah:autosave_edit", args=[naskah.pk])
    more = {**only_body, "body": "Kalimat pertama surat.\n\nKalimat kedua.", "segera": "1"}
    assert client.post(url, _data(revisi=1, **more)).json()["status"] == "saved"
    manual = client.post(reverse("naskah:edit", args=[naskah.pk]), _data(revisi=2, **only_body))
    assert manual.status_code == 400
    assert naskah.revisi.count() == 2
    naskah.refresh_from_db()
    problems = naskah_content_problems(naskah, naskah.revisi.get(nomor=2))
    assert "hal" in {p.field for p in problems}
    from naskah.services.approval import naskah_submit

    with pytest.raises(ApplicationError):
        naskah_submit(actor=demo["prakommuda"], naskah=naskah, expected_revisi=2)
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.KONSEP
    # The subject typed later is autosaved like any other field.
    titled = client.post(url, _data(revisi=2, **{**more, "hal": "Laporan Bulanan"}))
    assert titled.json()["status"] == "saved"
    naskah.refresh_from_db()
    assert naskah.hal == "Laporan Bulanan"


def test_autosave_writes_at_most_one_revision_per_interval(client, demo, settings):
    settings.NASKAH_AUTOSAVE_INTERVAL_SECONDS = 60
    client.force_login(demo["prakommuda"])
    naskah_pk = _autosave_new(client).json()["naskah"]
    url = reverse("naskah:autosave_edit", args=[naskah_pk])
    # right after an autosave: a change waits for the interval (nothing written)
    deferred = client.post(url, _data(revisi=1, hal="Perubahan kedua")).json()
    assert deferred["status"] == "deferred" and 0 < deferred["retry_after"] <= 60
    assert NaskahRevisi.objects.filter(naskah_id=naskah_pk).count() == 1
    # unchanged content never makes a revision
    same = client.post(url, _data(revisi=1)).json()
    assert same["status"] == "unchanged" and same["revisi"] == 1
    # once the interval has passed, one revision for all the changes since
    settings.NASKAH_AUTOSAVE_INTERVAL_SECONDS = 0
    saved = client.post(url, _data(revisi=1, hal="Perubahan kedua")).json()
    assert saved["status"] == "saved" and saved["revisi"] == 2
    assert client.post(url, _data(revisi=2, hal="Perubahan kedua")).json()["status"] == (
        "unchanged"
    )
    assert NaskahRevisi.objects.filter(naskah_id=naskah_pk).count() == 2
    event = AuditEvent.objects.get(action="naskah.update", object_id=str(naskah_pk))
    assert event.details == {"revisi": 2, "otomatis": True}


def test_an_action_of_the_drafter_saves_now_and_a_manual_save_is_not_delayed(
    client, demo, settings
):
    settings.NASKAH_AUTOSAVE_INTERVAL_SECONDS = 3600
    client.force_login(demo["prakommuda"])
    naskah_pk = _autosave_new(client).json()["naskah"]
    url = reverse("naskah:autosave_edit", args=[naskah_pk])
    now = client.post(url, {**_data(revisi=1, hal="Sebelum lampiran"), "segera": "1"}).json()
    assert now["status"] == "saved" and now["revisi"] == 2
    edit = client.post(reverse("naskah:edit", args=[naskah_pk]), _data(revisi=2, hal="Manual"))
    assert edit.status_code == 302
    assert Naskah.objects.get().hal == "Manual"


def test_autosave_refuses_clearly_and_keeps_nothing_bad(client, demo):
    client.force_login(demo["prakommuda"])
    two_lines = _autosave_new(client, hal="Undangan\nRapat")
    assert two_lines.status_code == 400
    assert two_lines.json()["status"] == "invalid" and two_lines.json()["message"]
    assert not Naskah.objects.exists()
    bad_key = client.post(
        reverse("naskah:autosave_new", args=["surat_undangan"]),
        {"autosave_key": "../x", **_data()},
    )
    assert bad_key.status_code == 400 and not Naskah.objects.exists()
    naskah_pk = _autosave_new(client).json()["naskah"]
    url = reverse("naskah:autosave_edit", args=[naskah_pk])
    stale = client.post(url, _data(revisi=7, hal="Tab lama"))
    assert stale.status_code == 409 and stale.json()["status"] == "conflict"
    client.force_login(demo["stafaptika"])
    assert client.post(url, _data(revisi=1, hal="Bukan milik saya")).status_code == 404
    assert NaskahRevisi.objects.count() == 1


def test_an_incomplete_draft_is_saved_and_submission_names_what_is_missing(client, demo):
    client.force_login(demo["prakommuda"])
    response = client.post(reverse("naskah:new", args=["surat_undangan"]), _data(body=""))
    assert response.status_code == 302
    naskah = Naskah.objects.get()
    problems = {p.field for p in naskah_content_problems(naskah, naskah.revisi.get())}
    assert {"f_hari_tanggal", "f_tempat_acara", "f_acara"} <= problems


def test_the_service_names_a_bad_field_by_its_label(make_draft):
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError) as exc:
        make_draft(
            jenis=JenisNaskah.objects.get(kode="surat_undangan"),
            fields={"hari_tanggal": "2026-13-40"},
        )
    assert "Hari/tanggal" in exc.value.message and "hari_tanggal" not in exc.value.message


# --- Attachments before the first save ----------------------------------------------------------


def test_an_attachment_can_be_added_before_the_first_save(client, demo):
    client.force_login(demo["prakommuda"])
    page = client.get(reverse("naskah:new", args=["surat_undangan"])).content.decode()
    assert 'id="lampiran-add-form"' in page and 'name="berkas"' in page
    # The page's script saves the letter first (creating the draft), then sends the file.
    saved = _autosave_new(client, hal="Surat dengan lampiran").json()
    upload = SimpleUploadedFile("jadwal.pdf", page_aa_javascript(), content_type="application/pdf")
    response = client.post(
        saved["lampiran_url"],
        {"revisi": saved["revisi"], "judul": "Jadwal Acara", "berkas": upload},
    )
    assert response.status_code == 302 and response["Location"] == saved["edit_url"]
    lampiran = Lampiran.objects.get(naskah_id=saved["naskah"])
    naskah = Naskah.objects.get()
    assert naskah.revisi.get(nomor=naskah.revisi_terakhir).lampiran == [lampiran.pk]
    # sanitised like any attachment (core.pdfsafe): the page script is gone
    from core.pdfsafe import pdf_active_content

    with lampiran.berkas.open("rb") as handle:
        assert not pdf_active_content(handle.read())
    assert AuditEvent.objects.filter(action="naskah.lampiran_add").exists()


def test_a_plain_attachment_before_the_first_save_keeps_the_typed_letter(client, demo):
    client.force_login(demo["prakommuda"])
    saved = _autosave_new(client, hal="Tetap utuh", f_acara="Rapat Pleno").json()
    upload = SimpleUploadedFile("a.pdf", pdf_bytes(2), content_type="application/pdf")
    client.post(saved["lampiran_url"], {"revisi": 1, "judul": "Daftar", "berkas": upload})
    latest = Naskah.objects.get().revisi.order_by("-nomor").first()
    assert latest.header["hal"] == "Tetap utuh" and latest.fields["acara"] == "Rapat Pleno"


# --- Preview placeholders -----------------------------------------------------------------------


def _empty_form_data(jenis, user) -> dict:
    """What the browser posts for a new letter nobody has typed into."""
    from django import forms

    form = NaskahForm(jenis=jenis, user=user)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(field, forms.MultipleChoiceField):
            continue
        if value in (None, "") and isinstance(field, forms.ChoiceField) and field.choices:
            value = list(field.choices)[0][0]
        data[name] = "" if value is None else value
    return data


def test_every_type_previews_an_empty_form_with_placeholders_not_field_keys(client, demo):
    client.force_login(demo["prakommuda"])
    user = demo["prakommuda"]
    types = list(JenisNaskah.objects.filter(aktif=True).order_by("urutan"))
    assert len(types) >= 30
    for jenis in types:
        response = client.post(
            reverse("naskah:preview_new", args=[jenis.kode]), _empty_form_data(jenis, user)
        )
        assert response.status_code == 200, (jenis.kode, response.content[:300])
        text = _text(response.content)
        assert "not filled in]" in text.lower(), jenis.kode
        assert "{{" not in text and "{" not in text, jenis.kode
        for spec in jenis.fields_schema:
            if "_" in spec["name"]:  # a key no Indonesian word looks like
                assert spec["name"] not in text, (jenis.kode, spec["name"])
        assert "LAMPUNG" in text.split("[")[0], jenis.kode  # the letterhead comes first
    assert not Naskah.objects.exists()


def test_every_type_previews_a_half_filled_form(client, demo):
    """The first half of each type's text, date and block fields filled: those values are
    on the page, no field key is, and the rest is marked (or left out when optional)."""
    client.force_login(demo["prakommuda"])
    user = demo["prakommuda"]
    for jenis in JenisNaskah.objects.filter(aktif=True).order_by("urutan"):
        data = {**_empty_form_data(jenis, user), "hal": "Perihal Setengah Jadi"}
        filled = []
        for spec in jenis.fields_schema[: max(1, len(jenis.fields_schema) // 2)]:
            key = f"f_{spec['name']}"
            if spec["type"] in {"text", "textarea", "blocks"}:
                data[key] = f"Isian {len(filled) + 1} Contoh"
                filled.append(data[key])
            elif spec["type"] == "date":
                data[key] = "2026-12-10"
                filled.append("Desember 2026")
        response = client.post(reverse("naskah:preview_new", args=[jenis.kode]), data)
        assert response.status_code == 200, (jenis.kode, response.content[:300])
        text = " ".join(_text(response.content).split())
        for value in filled:
            assert value.lower() in text.lower(), (jenis.kode, value)
        for spec in jenis.fields_schema:
            if "_" in spec["name"]:
                assert spec["name"] not in text, (jenis.kode, spec["name"])
        assert "{" not in text, jenis.kode


def test_a_half_filled_undangan_shows_what_is_filled_and_marks_the_rest(client, demo):
    client.force_login(demo["prakommuda"])
    data = _data(hal="", f_waktu="", f_acara="Rapat Evaluasi", f_hari_tanggal="2026-11-30")
    response = client.post(reverse("naskah:preview_new", args=["surat_undangan"]), data)
    text = _text(response.content)
    assert "Rapat Evaluasi" in text and "Senin, 30 November 2026" in text
    for missing in ("[Subject (hal) not filled in]", "[Waktu not filled in]", "[Tempat not"):
        assert missing in text, missing
    assert "tempat_acara" not in text and "hari_tanggal" not in text


def test_placeholders_are_indonesian_by_default(client, demo, settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "id"
    client.force_login(demo["prakommuda"])
    with translation.override("id"):
        response = client.post(
            reverse("naskah:preview_new", args=["surat_undangan"]),
            _data(f_waktu=""),
            HTTP_ACCEPT_LANGUAGE="id",
        )
    assert "[Waktu belum diisi]" in _text(response.content)


# --- Labels, signers, coordination ---------------------------------------------------------------


def test_no_type_form_has_two_fields_with_the_same_label(demo):
    user = demo["prakommuda"]
    for jenis in JenisNaskah.objects.filter(aktif=True):
        form = NaskahForm(jenis=jenis, user=user)
        labels = [
            str(f.label).strip().lower() for f in form.fields.values() if not f.widget.is_hidden
        ]
        duplicates = {label for label in labels if labels.count(label) > 1}
        assert not duplicates, (jenis.kode, duplicates)
    undangan = NaskahForm(jenis=JenisNaskah.objects.get(kode="surat_undangan"), user=user)
    assert str(undangan.fields["tempat"].label) == "Place of issue"
    assert str(undangan.fields["f_tempat_acara"].label) == "Tempat"


def test_signer_lists_offer_only_positions_the_rules_allow(demo, django_assert_max_num_queries):
    jenis = JenisNaskah.objects.get(kode="berita_acara")
    user = demo["prakommuda"]
    form = NaskahForm(jenis=jenis, user=user)
    offered = {pk for pk, _label in form.fields["f_penandatangan_lain_jabatan_0"].choices if pk}
    assert offered == set(jabatan_signers(jenis).values_list("pk", flat=True))
    everyone = set(Jabatan.objects.filter(aktif=True).values_list("pk", flat=True))
    assert offered < everyone  # some positions (e.g. the staff) are left out
    for pk in offered:
        assert jenis_allows_signer(jenis, Jabatan.objects.get(pk=pk))
    # the main signer list: each one allowed for the type (own right or a delegation)
    for pk, _label in form.fields["penandatangan"].choices:
        position = Jabatan.objects.get(pk=pk)
        assert any(jenis_allows_signer(jenis, position, m) for m in position_forms(form, pk))
    # one filter, not a query per position
    with django_assert_max_num_queries(25):
        NaskahForm(jenis=jenis, user=user)


def position_forms(form, pk):
    return next(j.mandat_options for j in form.signers if j.pk == pk)


def test_coordination_units_exclude_the_drafters_own_chain(make_draft):
    naskah = make_draft()
    form = SubmitForm(naskah=naskah, initial={"revisi": 1})
    offered = set(form.fields["koordinasi"].queryset.values_list("pk", flat=True))
    own_chain = {naskah.unit_id, *unit_ancestors(naskah.unit).values_list("pk", flat=True)}
    assert len(own_chain) >= 2
    assert not offered & own_chain
    others = UnitKerja.objects.filter(aktif=True, jabatan__kepala_unit=True).exclude(
        pk__in=own_chain
    )
    assert others.exists() and set(others.values_list("pk", flat=True)) <= offered
    refused = SubmitForm(
        {"revisi": 1, "koordinasi": [naskah.unit_id]}, naskah=naskah, initial={"revisi": 1}
    )
    assert not refused.is_valid() and "koordinasi" in refused.errors
