"""The route as it is (issue 14 item 8): the first submission's note reaches the
reviewers, the resubmit page shows the route the letter goes back into, a coordination
step the drafter chose is not called optional, and the edit URL of a submitted letter
leads to its approval page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import UnitKerja
from naskah.models import Naskah
from naskah.services.approval import naskah_return
from tests.naskah.alur_helpers import letter, submit, waiting
from workflows.models import RouteEvent

pytestmark = pytest.mark.django_db


def test_the_first_submission_note_is_shown_to_the_reviewer(demo, client):
    naskah = letter(demo, "agendakominfo")
    submit(demo, naskah, note="Mohon perhatian: data terlampir dari Bidang Aptika.")
    started = RouteEvent.objects.get(route__object_id=naskah.pk, kind=RouteEvent.Kind.STARTED)
    assert started.note == "Mohon perhatian: data terlampir dari Bidang Aptika."
    reviewer = waiting(naskah)[0].assignee
    client.force_login(reviewer)
    page = client.get(reverse("naskah:alur_detail", args=[naskah.pk])).content.decode()
    assert "Mohon perhatian: data terlampir dari Bidang Aptika." in page


def test_resubmit_page_shows_the_remaining_route_with_the_chosen_coordination(demo, client):
    naskah = letter(demo, "agendakominfo")
    biro_umum = UnitKerja.objects.get(kode="BIRO-UMUM")
    submit(demo, naskah, koordinasi_units=[biro_umum])
    state = waiting(naskah)[0]
    naskah_return(
        actor=state.assignee,
        naskah=naskah,
        step_state=state,
        expected_revisi=naskah.revisi_terakhir,
        note="Perbaiki paragraf kedua.",
    )
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DIKEMBALIKAN
    client.force_login(demo["agendakominfo"])
    page = client.get(reverse("naskah:alur_submit", args=[naskah.pk])).content.decode()
    route = page[page.index('id="proposed-route"') :]
    route = route[: route.index("</ol>")]
    assert "Kepala Biro Umum" in route  # the coordination step is still on the route
    assert "chosen by the drafter" in route and "optional" not in page
    assert 'id="btn-submit" disabled' not in page
    # The letter page does not call the chosen step optional either.
    page = client.get(reverse("naskah:alur_detail", args=[naskah.pk])).content.decode()
    assert "Kepala Biro Umum" in page and "optional" not in page


def test_edit_url_of_a_submitted_letter_leads_to_its_approval_page(demo, client):
    naskah = letter(demo, "agendakominfo")
    edit = reverse("naskah:edit", args=[naskah.pk])
    client.force_login(demo["agendakominfo"])
    assert client.get(edit).status_code == 200  # a draft: the form
    submit(demo, naskah)
    response = client.get(edit)
    assert response.status_code == 302
    assert response["Location"] == reverse("naskah:alur_detail", args=[naskah.pk])
    # A reviewer is sent there too; someone who may not read the letter gets a 404.
    client.force_login(waiting(naskah)[0].assignee)
    assert client.get(edit).status_code == 302
    client.force_login(demo["stafsma"])
    assert client.get(edit).status_code == 404
