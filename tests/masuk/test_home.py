"""The home page: each person's work today, from every app's sections (core.worklist),
in a number of queries that does not grow with the amount of work."""

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

from core.models import Jabatan
from naskah.masuk.models import DisposisiPenerima, InstruksiDisposisi, SuratMasuk
from naskah.masuk.services import Tujuan, disposisi_create

KABAG_TU = "Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian"


@pytest.fixture
def disposed(register, org):
    """One letter waiting for Karo Umum, one disposed by him to the archivist by name."""
    waiting = register(nomor_surat="A-1/2026")
    surat = register(nomor_surat="A-2/2026")
    act = disposisi_create(
        surat=surat,
        actor=org["karoumum"],
        targets=[Tujuan(pegawai=org["arsiparis"])],
        utama=0,
        instruksi=[InstruksiDisposisi.objects.get(kode="ditindaklanjuti")],
        catatan="",
    )
    surat.refresh_from_db()
    return waiting, surat, act.penerima.get()


def _clone_letters(template: SuratMasuk, n: int, start: int) -> list[SuratMasuk]:
    """n more letters like `template` (own agenda number each), bulk-inserted."""
    nomor = template.nomor_ref
    numbers = []
    for i in range(n):
        row = copy.copy(nomor)
        row.pk = None
        row.urut = start + i
        row.teks = f"{nomor.teks}-{start + i}"
        row.object_id = f"clone-{start + i}"
        numbers.append(row)
    numbers = type(nomor).objects.bulk_create(numbers)
    letters = []
    for i, number in enumerate(numbers):
        row = copy.copy(template)
        row.pk = None
        row.kunci = uuid.uuid4()
        row.nomor_ref = number
        row.agenda_urut = start + i
        row.nomor_agenda = number.teks
        letters.append(row)
    return SuratMasuk.objects.bulk_create(letters)


def _grow(disposed, n: int, start: int) -> None:
    waiting, surat, branch = disposed
    _clone_letters(waiting, n, start)
    others = _clone_letters(surat, n, start + n)
    due = timezone.now() + dt.timedelta(days=1)
    rows = []
    for i, letter in enumerate(others):
        row = copy.copy(branch)
        row.pk = None
        row.surat = letter
        row.utama = False
        row.batas_waktu = due
        row.status = (
            DisposisiPenerima.Status.BELUM_DIBACA if i % 2 else DisposisiPenerima.Status.DIBACA
        )
        rows.append(row)
    DisposisiPenerima.objects.bulk_create(rows)


def _home_queries(client, user) -> tuple[int, str]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_home_lists_each_persons_work_with_counts_and_links(client, disposed, org):
    waiting, surat, branch = disposed
    _n, page = _home_queries(client, org["karoumum"])
    assert 'id="work-dispose"' in page
    assert reverse("masuk:suratmasuk_detail", args=[waiting.pk]) in page
    _n, page = _home_queries(client, org["arsiparis"])
    assert 'id="work-dispositions"' in page
    assert reverse("masuk:suratmasuk_detail", args=[surat.pk]) in page
    _n, page = _home_queries(client, org["agendaris"])
    assert 'id="work-register"' in page  # the register's queue: registered, not disposed
    assert reverse("masuk:suratmasuk_detail", args=[waiting.pk]) in page


@pytest.mark.parametrize("who", ["karoumum", "arsiparis", "agendaris"])
def test_home_query_count_is_flat_between_5_and_500_items(client, disposed, org, who):
    _grow(disposed, 5, 1000)
    small, page = _home_queries(client, org[who])
    assert "All " in page  # more than the first five: the "all N" link
    _grow(disposed, 495, 2000)
    large, page = _home_queries(client, org[who])
    assert large == small, f"{who}: {small} queries with 5 items, {large} with 500"
    assert small <= 45  # the layout (menu counters, session) plus two per section
    if who == "karoumum":
        assert "All 501 " in page, re.findall(r"All \d+", page)  # 1 + 500 waiting
    if who == "arsiparis":
        # half of the 500 cloned branches unread (new), half read and due tomorrow
        assert "All 250" in page


def test_incoming_list_opens_on_the_tab_with_work(client, disposed, org):
    client.force_login(org["karoumum"])
    response = client.get(reverse("masuk:suratmasuk_list"))
    assert response.context["tab"] == "dispose"
    client.force_login(org["arsiparis"])
    response = client.get(reverse("masuk:suratmasuk_list"))
    assert response.context["tab"] == "inbox"
    response = client.get(reverse("masuk:suratmasuk_list") + "?tab=outbox")
    assert response.context["tab"] == "outbox"


def test_a_person_without_work_is_told_so(client, org):
    _n, page = _home_queries(client, org["karoumum"])
    assert 'id="work-empty"' in page
    assert Jabatan.objects.filter(nama=KABAG_TU).exists()
