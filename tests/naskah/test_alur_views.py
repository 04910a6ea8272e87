"""The approval pages: visibility (404 for everyone not entitled, on every letter URL),
actions through the views, inbox display, and constant query counts."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Pegawai
from naskah.models import Naskah
from naskah.services import lampiran_add
from naskah.services.approval import naskah_share
from tests.naskah.alur_helpers import letter, paraf, submit, waiting
from tests.naskah.conftest import pdf_bytes


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def submitted(demo):
    """A letter by agendakominfo with a PDF lampiran, waiting for sekdiskominfo's paraf."""
    naskah = letter(demo, "agendakominfo")
    upload = io.BytesIO(pdf_bytes(1))
    upload.name = "data.pdf"
    lampiran_add(
        actor=demo["agendakominfo"],
        naskah=naskah,
        expected_revisi=1,
        judul="Data pendukung",
        berkas=upload,
    )
    submit(demo, naskah)
    naskah.refresh_from_db()
    return naskah


def letter_urls(naskah: Naskah) -> list[tuple[str, str]]:
    state = waiting(naskah)[0].pk if waiting(naskah) else 1
    lampiran = naskah.lampiran.first()
    gets = [
        reverse("naskah:alur_detail", args=[naskah.pk]),
        reverse("naskah:alur_submit", args=[naskah.pk]),
        reverse("naskah:alur_correct", args=[naskah.pk, state]),
        reverse("naskah:pdf", args=[naskah.pk]),
        reverse("naskah:revision_pdf", args=[naskah.pk, 1]),
        reverse("naskah:revision_history", args=[naskah.pk]),
        reverse("naskah:edit", args=[naskah.pk]),
    ]
    if lampiran is not None:
        gets.append(reverse("naskah:lampiran_file", args=[naskah.pk, lampiran.pk]))
    posts = [
        reverse(name, args=[naskah.pk])
        for name in (
            "naskah:alur_act",
            "naskah:alur_withdraw",
            "naskah:alur_comment",
            "naskah:alur_reassign",
            "naskah:alur_share",
            "naskah:preview_edit",
        )
    ]
    return [("get", u) for u in gets] + [("post", u) for u in posts]


def assert_404_everywhere(client, naskah: Naskah):
    for method, url in letter_urls(naskah):
        response = getattr(client, method)(url, {"note": "x", "step_state": 1, "revisi": 1})
        assert response.status_code == 404, (method, url, response.status_code)


def test_an_outsider_gets_404_on_every_letter_url(client, demo, submitted):
    for username in ("stafsma", "admin", "kadiskominfo"):
        # kadiskominfo is on the route but not yet reached: the engine shows a route to
        # the positions it has been sent to.
        assert_404_everywhere(client_for(client, demo[username]), submitted)
    before = (submitted.status, submitted.revisi_terakhir)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.revisi_terakhir) == before


def test_a_draft_is_visible_to_its_drafter_only(client, demo):
    draft = letter(demo, "agendakominfo")
    for username in ("sekdiskominfo", "kadiskominfo", "admin"):
        assert_404_everywhere(client_for(client, demo[username]), draft)
    client.force_login(demo["agendakominfo"])
    assert client.get(reverse("naskah:alur_detail", args=[draft.pk])).status_code == 200


def test_route_members_and_acting_officials_see_the_letter(client, demo):
    naskah = letter(demo, "statistisi")
    submit(demo, naskah)
    client.force_login(demo["kabidaptika"])  # Plh Kepala Bidang Persandian
    response = client.get(reverse("naskah:alur_detail", args=[naskah.pk]))
    assert response.status_code == 200
    assert naskah.hal in response.content.decode()
    paraf(naskah)
    client.force_login(demo["kadiskominfo"])
    assert client.get(reverse("naskah:alur_detail", args=[naskah.pk])).status_code == 200
    page = client.get(reverse("naskah:alur_detail", args=[naskah.pk])).content.decode()
    assert 'data-capacity="plh"' in page  # the timeline says the paraf was given by the Plh


def test_unit_administrators_see_their_units_letters_but_not_confidential_ones(client, demo):
    admins = Group.objects.get(name="Administrator Unit")
    admins.user_set.add(demo["arsiparis"], demo["asisten3"])
    # Nota Dinas: a Kepala Biro signs it in own right (an external letter needs a.n.).
    nota = {"jenis": "nota_dinas"}
    normal = letter(demo, "penelaah", "Kepala Biro Umum", **nota)
    secret = letter(
        demo, "penelaah", "Kepala Biro Umum", klasifikasi_keamanan="sangat_rahasia", **nota
    )
    draft = letter(demo, "penelaah", "Kepala Biro Umum", **nota)
    submit(demo, normal)
    submit(demo, secret)
    for username in ("arsiparis", "asisten3"):  # same unit; an ancestor unit
        client.force_login(demo[username])
        assert client.get(reverse("naskah:alur_detail", args=[normal.pk])).status_code == 200
        assert_404_everywhere(client, secret)
        assert_404_everywhere(client, draft)
    client.force_login(demo["sekdiskominfo"])  # an administrator of another unit
    assert_404_everywhere(client, normal)
    admins.user_set.remove(demo["arsiparis"])
    client.force_login(demo["arsiparis"])
    assert_404_everywhere(client, normal)


def test_explicit_grants_and_no_model_wide_rights(client, demo, submitted):
    outsider = demo["stafsma"]
    outsider.user_permissions.add(Permission.objects.get(codename="view_naskah"))
    client.force_login(outsider)
    assert client.get(reverse("naskah:alur_detail", args=[submitted.pk])).status_code == 404
    naskah_share(actor=demo["agendakominfo"], naskah=submitted, to=outsider)
    assert client.get(reverse("naskah:alur_detail", args=[submitted.pk])).status_code == 200
    listing = client.get(reverse("naskah:alur_list")).content.decode()
    assert submitted.hal in listing
    assert "dibagikan" in listing.lower() or "shared with you" in listing


def test_submit_page_shows_the_proposed_route_and_submits(client, demo):
    naskah = letter(demo, "agendakominfo")
    client.force_login(demo["agendakominfo"])
    url = reverse("naskah:alur_submit", args=[naskah.pk])
    page = client.get(url).content.decode()
    assert "Sekretaris Dinas Komunikasi" in page and "Ganjar Jationo" in page
    proposed = client.get(url, {"revisi": 1, "koordinasi": [naskah.unit.induk.pk]})
    assert proposed.status_code == 200
    response = client.post(url, {"revisi": 0})
    assert response.status_code == 409
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.KONSEP
    response = client.post(url, {"revisi": 1, "note": "Mohon paraf."})
    assert response.status_code == 302
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DIAJUKAN


def test_submit_page_reports_a_vacancy(client, demo):
    from core.models import UnitKerja

    naskah = letter(demo, "agendakominfo")
    client.force_login(demo["agendakominfo"])
    pemotda = UnitKerja.objects.get(kode="BIRO-PEMOTDA")
    page = client.get(
        reverse("naskah:alur_submit", args=[naskah.pk]), {"revisi": 1, "koordinasi": [pemotda.pk]}
    ).content.decode()
    assert "Kepala Biro Pemerintahan dan Otonomi Daerah" in page and "disabled" in page


def act(client, naskah, state, action, **extra):
    prefix = f"s{state.pk}"
    data = {
        "prefix": prefix,
        f"{prefix}-action": action,
        f"{prefix}-step_state": state.pk,
        f"{prefix}-revisi": extra.pop("revisi", naskah.revisi_terakhir),
        f"{prefix}-version": extra.pop("version", state.route.version),
        f"{prefix}-note": extra.pop("note", ""),
        f"{prefix}-to_step": extra.pop("to_step", ""),
    }
    return client.post(reverse("naskah:alur_act", args=[naskah.pk]), data, follow=True)


def test_paraf_and_return_through_the_letter_page(client, demo, submitted):
    state = waiting(submitted)[0]
    client.force_login(demo["sekdiskominfo"])
    page = client.get(reverse("naskah:alur_detail", args=[submitted.pk])).content.decode()
    assert f'name="s{state.pk}-action"' in page
    stale = act(client, submitted, state, "paraf", revisi=0)
    assert "revisi" in stale.content.decode().lower() or "revision" in stale.content.decode()
    assert waiting(submitted)[0].pk == state.pk
    act(client, submitted, state, "paraf")
    submitted.refresh_from_db()
    assert submitted.status == Naskah.Status.SIAP_TANDATANGAN
    signer_state = waiting(submitted)[0]
    client.force_login(demo["kadiskominfo"])
    missing_note = act(client, submitted, signer_state, "return")
    assert waiting(submitted)[0].pk == signer_state.pk
    assert missing_note.status_code == 200
    act(client, submitted, signer_state, "return", note="Perbaiki paragraf kedua.")
    submitted.refresh_from_db()
    assert submitted.status == Naskah.Status.DIKEMBALIKAN
    client.force_login(demo["agendakominfo"])
    page = client.get(reverse("naskah:alur_detail", args=[submitted.pk])).content.decode()
    assert "Perbaiki paragraf kedua." in page
    assert client.get(reverse("naskah:edit", args=[submitted.pk])).status_code == 200


def test_correction_page_for_the_current_reviewer_only(client, demo, submitted):
    state = waiting(submitted)[0]
    url = reverse("naskah:alur_correct", args=[submitted.pk, state.pk])
    client.force_login(demo["agendakominfo"])  # the drafter is not the reviewer
    assert client.get(url).status_code == 404
    client.force_login(demo["sekdiskominfo"])
    page = client.get(url)
    assert page.status_code == 200
    n = submitted.revisi_terakhir
    revisi = submitted.revisi.get(nomor=n)
    data = {
        "revisi": n,
        "version": state.route.version,
        "penandatangan": submitted.penandatangan_id,
        "mandat": "",
        "hal": "Permohonan Data Layanan Aplikasi (dikoreksi)",
        "urgensi": revisi.header["urgensi"],
        "klasifikasi_keamanan": revisi.header["klasifikasi_keamanan"],
        "kode_klasifikasi": "",
        "tempat": "",
        "body": "Dengan hormat, kami mohon data layanan aplikasi.",
        "catatan": "Kalimat dipersingkat.",
        "approve": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    submitted.refresh_from_db()
    assert submitted.revisi_terakhir == n + 1
    assert submitted.status == Naskah.Status.SIAP_TANDATANGAN
    client.force_login(demo["kadiskominfo"])
    page = client.get(reverse("naskah:alur_detail", args=[submitted.pk])).content.decode()
    assert f"?a={n}&b={n + 1}" in page  # the signer sees the link to the diff
    diff = reverse("naskah:revision_history", args=[submitted.pk]) + f"?a={n}&b={n + 1}"
    assert "dikoreksi" in client.get(diff).content.decode()


def test_inbox_shows_letters_with_hal_type_and_hides_confidential_subjects(client, demo):
    normal = letter(demo, "agendakominfo", hal="Undangan Rapat Aplikasi")
    secret = letter(
        demo, "agendakominfo", hal="Pemeriksaan Pegawai Y", klasifikasi_keamanan="rahasia"
    )
    submit(demo, normal)
    submit(demo, secret)
    client.force_login(demo["sekdiskominfo"])
    page = client.get(reverse("workflows:inbox") + "?tab=tindakan").content.decode()
    assert "Undangan Rapat Aplikasi" in page and "Surat Dinas" in page
    assert "Naskah Rahasia" in page and "Pemeriksaan Pegawai Y" not in page
    assert f"/naskah/{normal.pk}/alur/" in page


def test_navigation_counters(client, demo, submitted):
    client.force_login(demo["sekdiskominfo"])
    page = client.get(reverse("naskah:alur_list")).content.decode()
    assert 'data-counter="perlu_tindakan">1<' in page


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["workflows:inbox", "naskah:alur_list"])
def test_inbox_and_list_run_a_constant_number_of_queries(
    client, demo, django_assert_num_queries, url_name
):
    admins = Group.objects.get(name="Administrator Unit")
    viewer = demo["sekdiskominfo"]
    assert admins.user_set.filter(pk=viewer.pk).exists()

    def make(count):
        for i in range(count):
            naskah = letter(demo, "agendakominfo", hal=f"Surat {i}")
            submit(demo, naskah)
            if i % 3 == 0:
                other = letter(demo, "stafsma", "Kepala Dinas Pendidikan dan Kebudayaan")
                submit(demo, other)
                naskah_share(actor=demo["stafsma"], naskah=other, to=viewer)

    client.force_login(viewer)
    url = reverse(url_name)
    make(5)
    _count(client, url)  # warm caches (content types, sessions)
    at_five = _count(client, url)
    make(45)
    with django_assert_num_queries(at_five):
        response = client.get(url)
    body = response.content.decode()
    assert body.count("/alur/") >= 50


def test_nav_context_processor_counts_returned_letters(rf, demo, submitted):
    from naskah.context_processors import naskah_nav
    from naskah.services.approval import naskah_return

    state = waiting(submitted)[0]
    naskah_return(
        actor=demo["sekdiskominfo"],
        naskah=submitted,
        step_state=state,
        expected_revisi=submitted.revisi_terakhir,
        note="Perbaiki.",
    )
    request = rf.get("/")
    request.user = demo["agendakominfo"]
    counts = naskah_nav(request)["naskah_nav"]
    assert counts["dikembalikan"] == 1 and counts["dalam_proses"] == 1
    request.user = demo["sekdiskominfo"]
    assert naskah_nav(request)["naskah_nav"]["perlu_tindakan"] == 0
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert naskah_nav(request) == {}


def test_the_draft_editor_links_to_the_approval_page(client, demo):
    draft = letter(demo, "agendakominfo")
    client.force_login(demo["agendakominfo"])
    page = client.get(reverse("naskah:edit", args=[draft.pk])).content.decode()
    assert reverse("naskah:alur_detail", args=[draft.pk]) in page


def test_reject_withdraw_comment_share_and_reassign_through_the_pages(client, demo, submitted):
    from django.contrib.auth.models import Permission

    from workflows.models import RouteEvent

    state = waiting(submitted)[0]
    detail = reverse("naskah:alur_detail", args=[submitted.pk])
    # Wrong person: the drafter cannot act on the reviewer's step.
    client.force_login(demo["agendakominfo"])
    act(client, submitted, state, "reject", note="Saya tolak sendiri.")
    assert waiting(submitted)[0].pk == state.pk
    client.post(reverse("naskah:alur_comment", args=[submitted.pk]), {"note": "Mohon cepat."})
    assert RouteEvent.objects.filter(kind="comment", note="Mohon cepat.").exists()
    client.post(reverse("naskah:alur_share", args=[submitted.pk]), {"to": demo["stafsma"].pk})
    assert demo["stafsma"].has_perm("naskah.view_naskah", submitted)
    # A unit administrator with the reassign right hands the step to someone else.
    admin = demo["sekdiskominfo"]
    admin.user_permissions.add(Permission.objects.get(codename="reassign_route_step"))
    client.force_login(Pegawai.objects.get(pk=admin.pk))
    prefix = f"r{state.pk}"
    page = client.get(detail).content.decode()
    assert demo["kadiskominfo"].nama in page  # offered: above the step's position

    def reassign(to):
        return client.post(
            reverse("naskah:alur_reassign", args=[submitted.pk]),
            {
                "prefix": prefix,
                f"{prefix}-step_state": state.pk,
                f"{prefix}-version": state.route.version,
                f"{prefix}-to": to.pk,
                f"{prefix}-note": "Sekretaris dinas luar kota.",
            },
            follow=True,
        )

    # Not to someone outside the step's unit and chain of superiors (a sibling Kabid).
    response = reassign(demo["kabidaptika"])
    assert "cannot be handed" in response.content.decode()
    assert waiting(submitted)[0].assignee == demo["sekdiskominfo"]
    response = reassign(demo["kadiskominfo"])
    assert response.status_code == 200
    assert waiting(submitted)[0].assignee == demo["kadiskominfo"]
    # The new assignee rejects with a note.
    client.force_login(demo["kadiskominfo"])
    act(client, submitted, waiting(submitted)[0], "reject", note="Tidak diperlukan lagi.")
    submitted.refresh_from_db()
    assert submitted.status == Naskah.Status.DITOLAK
    # The drafter withdraws another letter back to draft from its page.
    other = letter(demo, "agendakominfo")
    submit(demo, other)
    client.force_login(demo["agendakominfo"])
    route_version = waiting(other)[0].route.version
    client.post(
        reverse("naskah:alur_withdraw", args=[other.pk]), {"version": route_version, "note": ""}
    )
    other.refresh_from_db()
    assert other.status == Naskah.Status.KONSEP
    assert client.get(detail).status_code == 200


def test_the_engine_route_page_hands_letters_over_to_the_letter_page(client, demo, submitted):
    """Letters are acted on through naskah's services (revision check, lock order, audit);
    the generic route page redirects and its action endpoints act on nothing."""
    state = waiting(submitted)[0]
    route = state.route
    client_for(client, state.assignee)
    letter_page = reverse("naskah:alur_detail", args=[submitted.pk])
    response = client.get(reverse("workflows:route_detail", args=[route.pk]))
    assert response.status_code == 302 and response.url == letter_page
    version = route.version
    response = client.post(
        reverse("workflows:route_act", args=[route.pk]),
        {
            "step_state": state.pk,
            "action": "approve",
            "revision": route.revision,
            "version": version,
        },
    )
    assert response.status_code == 302 and response.url == letter_page
    route.refresh_from_db()
    state.refresh_from_db()
    assert route.version == version and state.acted_at is None
