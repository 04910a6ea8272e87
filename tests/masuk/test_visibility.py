"""Who sees an incoming letter: the register's agendaris, the addressed head and their
acting official, everyone in the tree; Rahasia only to named people; others get 404."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from core.models import Jabatan, Pegawai, Penugasan
from naskah.masuk.models import InstruksiDisposisi
from naskah.masuk.selectors import disposisi_dashboard, suratmasuk_get_for_user, suratmasuk_visible
from naskah.masuk.services import Tujuan, disposisi_create, disposisi_forward


def J(nama):
    return Jabatan.objects.get(nama=nama)


def fresh(user: Pegawai) -> Pegawai:
    return Pegawai.objects.get(pk=user.pk)  # no cached permissions


@pytest.fixture
def second_agendaris(org):
    person = Pegawai.objects.create(username="agendaris2", nama="Rina Agustina")
    Penugasan.objects.create(
        pegawai=person,
        jabatan=J("Pengadministrasi Persuratan"),
        jenis="definitif",
        mulai="2024-01-02",
    )
    Group.objects.get(name="Agendaris").user_set.add(person)
    return fresh(person)


def visible(user, surat) -> bool:
    try:
        suratmasuk_get_for_user(user=fresh(user), pk=surat.pk)
    except Http404:
        return False
    return True


def test_biasa_letter_visibility(register, org, second_agendaris):
    surat = register()
    instr = InstruksiDisposisi.objects.get(kode="pantau")
    act = disposisi_create(
        surat=surat,
        actor=org["karoumum"],
        targets=[Tujuan(jabatan=J("Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian"))],
        instruksi=[instr],
    )
    disposisi_forward(
        cabang=act.penerima.get(),
        actor=org["kabagtu"],
        targets=[Tujuan(pegawai=org["penelaah"])],
        instruksi=[instr],
    )
    for name in ("agendaris", "karoumum", "kabagtu", "penelaah"):
        assert visible(org[name], surat), name
    assert visible(second_agendaris, surat)
    for name in ("arsiparis", "agendakominfo", "kadiskominfo", "sekda", "karohukum"):
        assert not visible(org[name], surat), name


def test_rahasia_only_to_named_people(register, org, second_agendaris):
    from workflows.models import Notifikasi

    surat = register(klasifikasi_keamanan="rahasia", hal="Hasil audit keamanan informasi")
    instr = InstruksiDisposisi.objects.get(kode="pelajari")
    disposisi_create(
        surat=surat,
        actor=org["karoumum"],
        targets=[Tujuan(pegawai=org["arsiparis"])],
        instruksi=[instr],
    )
    assert visible(org["agendaris"], surat)  # the registrar
    assert visible(org["karoumum"], surat)  # the addressed head
    assert visible(org["arsiparis"], surat)  # named in the tree
    assert not visible(second_agendaris, surat)  # same register, not named
    assert not visible(org["kabagtu"], surat)
    note = Notifikasi.objects.get(recipient=org["arsiparis"])
    assert "audit" not in note.text.lower() and "Badan Siber" not in note.text
    assert surat.nomor_agenda in note.text


def test_pages_give_404_to_outsiders(client, register, org):
    surat = register()
    client.force_login(org["agendakominfo"])
    for url in (
        f"/surat-masuk/surat/{surat.pk}/",
        f"/surat-masuk/surat/{surat.pk}/lembar-disposisi.pdf",
    ):
        assert client.get(url).status_code == 404
    client.force_login(org["agendaris"])
    assert client.get(f"/surat-masuk/surat/{surat.pk}/").status_code == 200


def test_list_filter_is_one_query_regardless_of_size(register, org):
    for i in range(6):
        register(nomor_surat=f"N-{i}")
    user = fresh(org["karoumum"])
    with CaptureQueriesContext(connection) as few:
        list(suratmasuk_visible(user))
    for i in range(6, 20):
        register(nomor_surat=f"N-{i}")
    user = fresh(org["karoumum"])
    with CaptureQueriesContext(connection) as many:
        rows = list(suratmasuk_visible(user))
    assert len(rows) == 20
    assert len(few) == len(many)


def test_dashboard_counts_with_fixed_queries(register, org):
    import datetime as dt

    from django.utils import timezone

    from naskah.masuk.services import disposisi_report

    instr = InstruksiDisposisi.objects.get(kode="pantau")

    def dispose(n):
        acts = []
        for i in range(n):
            surat = register(nomor_surat=f"D-{n}-{i}")
            acts.append(
                disposisi_create(
                    surat=surat,
                    actor=org["karoumum"],
                    targets=[
                        Tujuan(jabatan=J("Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian")),
                        Tujuan(pegawai=org["arsiparis"]),
                    ],
                    instruksi=[instr],
                )
            )
        return acts

    acts = dispose(2)
    head = fresh(org["karoumum"])
    with CaptureQueriesContext(connection) as q1:
        disposisi_dashboard(head)
    # one branch done on time, one overdue
    disposisi_report(cabang=acts[0].penerima.get(utama=False), actor=org["arsiparis"], teks="ok")
    acts[1].penerima.filter(utama=True).update(batas_waktu=timezone.now() - dt.timedelta(hours=1))
    dispose(3)
    with CaptureQueriesContext(connection) as q2:
        board = disposisi_dashboard(head)
    assert len(q1) == len(q2)
    per_unit = {r.label: r for r in board["per_unit"]}
    tu = per_unit["Bagian Tata Usaha Pimpinan dan Kepegawaian"]
    # the Kabag TU position and the archivist (by name) both sit in Bagian TU
    assert (tu.terbuka, tu.terlambat, tu.selesai, tu.tepat_waktu) == (9, 1, 1, 1)
    arsiparis = {r.label: r for r in board["per_penerima"]}[org["arsiparis"].nama]
    assert (arsiparis.terbuka, arsiparis.selesai, arsiparis.persen_tepat_waktu) == (4, 1, 100)
    assert disposisi_dashboard(fresh(org["penelaah"]))["per_unit"] == []
