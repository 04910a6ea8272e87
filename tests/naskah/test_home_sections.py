"""The home page's outgoing-letter sections: a submitted letter waits on its reviewer's
home under "to initial", a draft on its drafter's, each linked to its page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.worklist import work_sections
from tests.naskah.alur_helpers import letter, submit, waiting

pytestmark = pytest.mark.django_db


def _keys(user) -> dict:
    return {s.key: s for s in work_sections(user)}


def test_drafts_and_letters_to_initial_reach_the_right_homes(demo, client):
    draft = letter(demo, "prakommuda", hal="Konsep yang belum diajukan")
    sent = letter(demo, "prakommuda", hal="Surat yang menunggu paraf")
    submit(demo, sent)
    reviewer = waiting(sent)[0].assignee

    mine = _keys(demo["prakommuda"])
    assert [i.title for i in mine["drafts"].items] == ["Konsep yang belum diajukan"]
    assert mine["drafts"].items[0].url == reverse("naskah:edit", args=[draft.pk])
    assert "paraf" not in mine

    theirs = _keys(reviewer)
    assert theirs["paraf"].count == 1
    assert theirs["paraf"].items[0].title == "Surat yang menunggu paraf"
    client.force_login(reviewer)
    page = client.get(reverse("home")).content.decode()
    assert 'id="work-paraf"' in page and theirs["paraf"].items[0].url in page
