"""The home page's query count stays flat between 5 and 500 items in every section, not only
the incoming-letter ones (tests/masuk/test_home.py): letters to sign and to initial, letters
returned to their drafter, drafts, letters received and not opened, files to close and
disposal actions. Each section is filled by cloning one real row (bulk inserts), so the page
reads the rows a real letter leaves."""

from __future__ import annotations

import copy
import datetime as dt
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.naskah.alur_helpers import letter, submit, waiting

pytestmark = pytest.mark.django_db


def _clones(row, n: int, **fields):
    """n copies of `row` (new primary keys); a callable field value gets the copy's index."""
    made = []
    for i in range(n):
        clone = copy.copy(row)
        clone.pk = None
        if hasattr(clone, "id"):
            clone.id = None
        for name, value in fields.items():
            setattr(clone, name, value(i) if callable(value) else value)
        made.append(clone)
    return type(row).objects.bulk_create(made)


@pytest.fixture
def work(demo):
    """One row of each section: a reviewer's paraf step (also cloned as a signing step), a
    drafter's returned letter and draft, a letter delivered to her unopened, an archivist's
    open file of last year and a disposal proposal."""
    from arsip.models import Berkas, Penyusutan
    from core.models import Pegawai
    from naskah.models import Naskah
    from naskah.models.signing import Distribusi
    from workflows.models import StepKind

    drafter = demo["prakommuda"]
    draft = letter(demo, "prakommuda", hal="Konsep harian")
    returned = letter(demo, "prakommuda", hal="Surat yang dikembalikan")
    Naskah.objects.filter(pk=returned.pk).update(status=Naskah.Status.DIKEMBALIKAN)
    returned.refresh_from_db()
    sent = letter(demo, "prakommuda", hal="Surat yang menunggu paraf")
    submit(demo, sent)
    step = waiting(sent)[0]
    delivered = Distribusi.objects.create(
        naskah=sent,
        kunci=f"home-{uuid.uuid4()}",
        jenis="tujuan",
        label=drafter.nama,
        saluran=Distribusi.Saluran.INTERNAL,
        pegawai=drafter,
        status=Distribusi.Status.TERKIRIM,
        dikirim_pada=timezone.now(),
    )
    archivist = Pegawai.objects.get(username="arsiparis")
    last_year = timezone.localdate().replace(month=1, day=1) - dt.timedelta(days=365)
    berkas = Berkas.objects.create(
        nomor="HOME/0",
        judul="Berkas tahun lalu",
        unit=sent.unit,
        kode_klasifikasi=sent.kode_klasifikasi,
        dibuka=last_year,
    )
    proposal = Penyusutan.objects.create(
        jenis=Penyusutan.Jenis.choices[0][0],
        nomor="HOME-P-0",
        status=Penyusutan.Status.DIUSULKAN,
        diusulkan_oleh=archivist,
    )
    return {
        "drafter": drafter,
        "reviewer": step.assignee,
        "archivist": archivist,
        "grow": lambda n, start: _grow(
            n, start, step, draft, returned, delivered, berkas, proposal, StepKind.TANDATANGAN
        ),
    }


def _grow(n, start, step, draft, returned, delivered, berkas, proposal, sign_kind):
    from workflows.models import Route

    route = step.route
    routes = _clones(route, 2 * n, object_id=lambda i: f"home-{start + i}")
    _clones(step, n, route=lambda i: routes[i])
    _clones(step, n, route=lambda i: routes[n + i], kind=sign_kind)
    assert Route.objects.filter(object_id__startswith="home-").count() >= 2 * n
    _clones(draft, n)
    _clones(returned, n)
    _clones(delivered, n, kunci=lambda i: f"home-{start + i}-{uuid.uuid4()}")
    _clones(berkas, n, nomor=lambda i: f"HOME/{start + i}")
    _clones(proposal, n, nomor=lambda i: f"HOME-P-{start + i}")


def _home(client, user) -> tuple[int, str]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


# The sections each person sees, with their count at 500 clones: the one real row plus the
# clones (the signing steps are all clones of the paraf step).
SECTIONS = {
    "reviewer": {"work-sign": 500, "work-paraf": 501},
    "drafter": {"work-returned": 501, "work-received": 501, "work-drafts": 501},
    "archivist": {"work-files_to_close": 501, "work-disposal": 501},
}


@pytest.mark.parametrize("who", list(SECTIONS))
def test_every_home_section_keeps_its_query_count_from_5_to_500_items(client, work, who):
    user = work[who]
    work["grow"](5, 1000)
    small, page = _home(client, user)
    for section in SECTIONS[who]:
        assert f'id="{section}"' in page, section
    work["grow"](495, 2000)
    large, page = _home(client, user)
    assert large == small, f"{who}: {small} queries with 5 items each, {large} with 500"
    assert small <= 45, f"{who}: {small} queries (41 at most when written)"
    # Every section says how many there are and links to all of them.
    counts = [int(c) for c in re.findall(r"All (\d+)", page)]
    assert counts == list(SECTIONS[who].values()), counts
