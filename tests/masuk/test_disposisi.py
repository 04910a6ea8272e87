"""The disposition tree: who may dispose, re-disposition, branch states, read receipts,
the completion rule, acting officials, staff rotation, deadlines, overdue escalation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ApplicationError, PermissionDeniedError
from core.models import AuditEvent, Jabatan, Pegawai, Penugasan, TimKerja, UnitKerja
from naskah.masuk.models import DisposisiPenerima, InstruksiDisposisi, SuratMasuk
from naskah.masuk.services import (
    DataSurat,
    Tujuan,
    disposisi_close,
    disposisi_create,
    disposisi_forward,
    disposisi_mark_read,
    disposisi_remind_overdue,
    disposisi_report,
    suratmasuk_close,
    suratmasuk_register,
)

from .conftest import make_pdf


def J(nama: str) -> Jabatan:
    return Jabatan.objects.get(nama=nama)


KABAG_TU = "Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian"


@pytest.fixture
def instr(db):
    return {i.kode: i for i in InstruksiDisposisi.objects.all()}


@pytest.fixture
def disposed(register, org, instr):
    """Karo Umum disposes to the Kabag TU position (lead) and the archivist by name."""
    surat = register()
    act = disposisi_create(
        surat=surat,
        actor=org["karoumum"],
        targets=[Tujuan(jabatan=J(KABAG_TU)), Tujuan(pegawai=org["arsiparis"])],
        utama=0,
        instruksi=[instr["ditindaklanjuti"], instr["koordinasikan"]],
        catatan="Segera tindak lanjuti.",
    )
    lead = act.penerima.get(utama=True)
    other = act.penerima.get(utama=False)
    return surat, act, lead, other


def test_standard_instructions_are_seeded(instr):
    assert [i.nama for i in InstruksiDisposisi.objects.all()] == [
        "Untuk diketahui",
        "Untuk ditindaklanjuti",
        "Siapkan jawaban",
        "Koordinasikan",
        "Pelajari/kaji",
        "Wakili/hadiri",
        "Pantau",
        "Arsipkan",
        "Tanggapan dan saran",
        "Proses lebih lanjut",
    ]


def test_head_disposes_to_position_and_person_with_default_deadline(disposed, org):
    surat, act, lead, other = disposed
    surat.refresh_from_db()
    assert surat.status == SuratMasuk.Status.DIDISPOSISI
    assert act.dari_jabatan == J("Kepala Biro Umum") and act.dari_jenis == "definitif"
    assert lead.ke_jabatan == J(KABAG_TU) and lead.status == "belum_dibaca"
    assert other.ke_pegawai == org["arsiparis"] and not other.utama
    # "segera" = 48 h on the office calendar: later than now + 1 day
    assert act.batas_waktu > timezone.now() + dt.timedelta(hours=24)
    assert lead.batas_waktu == act.batas_waktu
    assert AuditEvent.objects.filter(action="masuk.disposisi.create").count() == 1
    from workflows.models import Notifikasi

    note = Notifikasi.objects.get(recipient=org["kabagtu"], kind="masuk.disposisi")
    assert "Sosialisasi Sertifikat Elektronik" in note.text
    assert note.link == f"/surat-masuk/surat/{surat.pk}/"


def test_redisposition_builds_a_tree_and_branch_states(disposed, org, instr):
    surat, act, lead, other = disposed
    assert disposisi_mark_read(cabang=lead, actor=org["kabagtu"]) is True
    lead.refresh_from_db()
    first_read = lead.dibaca_pada
    assert lead.status == "dibaca" and lead.dibaca_oleh == org["kabagtu"]
    assert disposisi_mark_read(cabang=lead, actor=org["kabagtu"]) is False
    lead.refresh_from_db()
    assert lead.dibaca_pada == first_read
    # someone else opening it records nothing
    assert disposisi_mark_read(cabang=other, actor=org["kabagtu"]) is False

    sub = disposisi_forward(
        cabang=lead,
        actor=org["kabagtu"],
        targets=[Tujuan(pegawai=org["penelaah"]), Tujuan(pegawai=org["agendaris"])],
        utama=1,
        instruksi=[instr["siapkan-jawaban"]],
        catatan="Siapkan konsep jawaban.",
    )
    lead.refresh_from_db()
    assert lead.status == "diproses"
    assert sub.induk == lead and sub.dari_jabatan == J(KABAG_TU)
    assert sub.batas_waktu <= lead.batas_waktu
    assert list(sub.penerima.values_list("utama", flat=True)) == [True, False]
    from naskah.masuk.selectors import disposisi_tree, flatten_tree

    rows = flatten_tree(disposisi_tree(surat))
    assert [(depth, node.cabang.penerima_label) for depth, _act, node in rows] == [
        (0, KABAG_TU),
        (1, org["agendaris"].nama_lengkap),
        (1, org["penelaah"].nama_lengkap),
        (0, org["arsiparis"].nama_lengkap),
    ]


def test_completion_rule(disposed, org, instr):
    surat, act, lead, other = disposed
    sub = disposisi_forward(
        cabang=lead,
        actor=org["kabagtu"],
        targets=[Tujuan(pegawai=org["penelaah"])],
        instruksi=[instr["siapkan-jawaban"]],
    )
    child = sub.penerima.get()
    # the lead cannot close its branch while the re-disposed branch is open
    with pytest.raises(ApplicationError, match="still open"):
        disposisi_report(cabang=lead, actor=org["kabagtu"], teks="Selesai")
    # an interim report keeps the branch open
    disposisi_report(cabang=child, actor=org["penelaah"], teks="Sedang disusun", selesai=False)
    child.refresh_from_db()
    assert child.status == "diproses"
    report = disposisi_report(
        cabang=child,
        actor=org["penelaah"],
        teks="Konsep jawaban sudah disiapkan.",
        files=[("konsep.pdf", make_pdf("Konsep jawaban"))],
    )
    assert report.berkas.count() == 1
    child.refresh_from_db()
    assert child.status == "selesai" and child.cara_selesai == "laporan"
    disposisi_report(cabang=lead, actor=org["kabagtu"], teks="Sudah ditindaklanjuti.")
    surat.refresh_from_db()
    assert surat.status == SuratMasuk.Status.DIDISPOSISI  # the archivist's branch is open
    disposisi_report(cabang=other, actor=org["arsiparis"], teks="Sudah diarsipkan.")
    surat.refresh_from_db()
    assert surat.status == SuratMasuk.Status.SELESAI
    # a closed letter takes no more dispositions
    with pytest.raises(ApplicationError, match="already completed"):
        disposisi_create(
            surat=surat,
            actor=org["karoumum"],
            targets=[Tujuan(jabatan=J(KABAG_TU))],
            instruksi=[instr["pantau"]],
        )


def test_disposer_closes_a_branch_with_its_subtree(disposed, org, instr):
    surat, act, lead, other = disposed
    sub = disposisi_forward(
        cabang=lead,
        actor=org["kabagtu"],
        targets=[Tujuan(pegawai=org["penelaah"])],
        instruksi=[instr["pantau"]],
    )
    with pytest.raises(PermissionDeniedError):
        disposisi_close(cabang=lead, actor=org["kabagtu"], alasan="tutup")  # not the disposer
    with pytest.raises(ApplicationError, match="reason"):
        disposisi_close(cabang=lead, actor=org["karoumum"], alasan=" ")
    closed = disposisi_close(cabang=lead, actor=org["karoumum"], alasan="Tidak diperlukan lagi")
    assert set(closed) == {lead.pk, sub.penerima.get().pk}
    assert DisposisiPenerima.objects.get(pk=lead.pk).cara_selesai == "ditutup"
    surat.refresh_from_db()
    assert surat.status == SuratMasuk.Status.DIDISPOSISI
    with pytest.raises(ApplicationError, match="already closed"):
        disposisi_report(cabang=lead, actor=org["kabagtu"], teks="terlambat")


def test_head_closes_the_letter_explicitly(disposed, org):
    surat, act, lead, other = disposed
    with pytest.raises(PermissionDeniedError):
        suratmasuk_close(surat=surat, actor=org["agendaris"], catatan="x")
    suratmasuk_close(surat=surat, actor=org["karoumum"], catatan="Sudah dibahas langsung.")
    surat.refresh_from_db()
    assert surat.status == "selesai" and surat.catatan_selesai == "Sudah dibahas langsung."
    assert set(surat.cabang.values_list("status", flat=True)) == {"selesai"}


def test_forbidden_dispositions(disposed, org, instr):
    surat, act, lead, other = disposed
    # not the holder of the addressed position
    with pytest.raises(PermissionDeniedError, match="Only the holder"):
        disposisi_create(
            surat=surat,
            actor=org["kabagtu"],
            targets=[Tujuan(pegawai=org["penelaah"])],
            instruksi=[instr["pantau"]],
        )
    # upward: the Kabag TU cannot dispose to the Kepala Biro or the Asisten
    for target in (Tujuan(jabatan=J("Kepala Biro Umum")), Tujuan(pegawai=org["asisten3"])):
        with pytest.raises(PermissionDeniedError, match="down the line"):
            disposisi_forward(
                cabang=lead, actor=org["kabagtu"], targets=[target], instruksi=[instr["pantau"]]
            )
    # sideways into another bureau
    with pytest.raises(PermissionDeniedError, match="down the line"):
        disposisi_create(
            surat=surat,
            actor=org["karoumum"],
            targets=[Tujuan(jabatan=J("Analis Hukum Ahli Muda"))],
            instruksi=[instr["pantau"]],
        )
    # someone else's branch
    with pytest.raises(PermissionDeniedError):
        disposisi_forward(
            cabang=other,
            actor=org["kabagtu"],
            targets=[Tujuan(pegawai=org["penelaah"])],
            instruksi=[instr["pantau"]],
        )
    # no instruction, no recipient, a recipient twice, a deadline after the parent's
    bad = [
        dict(targets=[Tujuan(pegawai=org["penelaah"])], instruksi=[]),
        dict(targets=[], instruksi=[instr["pantau"]]),
        dict(
            targets=[Tujuan(pegawai=org["penelaah"]), Tujuan(pegawai=org["penelaah"])],
            instruksi=[instr["pantau"]],
        ),
        dict(
            targets=[Tujuan(pegawai=org["penelaah"])],
            instruksi=[instr["pantau"]],
            batas_waktu=lead.batas_waktu + dt.timedelta(days=1),
        ),
        dict(
            targets=[Tujuan(pegawai=org["penelaah"])],
            instruksi=[instr["pantau"]],
            batas_waktu=timezone.now() - dt.timedelta(hours=1),
        ),
    ]
    for kwargs in bad:
        with pytest.raises(ApplicationError):
            disposisi_forward(cabang=lead, actor=org["kabagtu"], **kwargs)
    assert surat.disposisi.count() == 1


@pytest.fixture
def surat_sandi(org, kka):
    """A letter at Diskominfotik addressed to the Kepala Bidang Persandian, whose holder is
    on leave: the Kepala Bidang Aplikasi Informatika acts as Plh."""
    return suratmasuk_register(
        actor=org["agendakominfo"],
        unit=UnitKerja.objects.get(kode="DISKOMINFOTIK"),
        data=DataSurat(
            pengirim="Badan Pusat Statistik Provinsi Lampung",
            hal="Permintaan data statistik sektoral",
            tanggal_diterima=timezone.localdate(),
            urgensi="biasa",
            klasifikasi_keamanan="biasa",
            kode_klasifikasi=kka,
            jabatan_tujuan=J("Kepala Bidang Persandian dan Statistik"),
        ),
        files=[("bps.pdf", make_pdf())],
    )


def test_acting_official_disposes_and_holder_on_leave_cannot(surat_sandi, org, instr):
    with pytest.raises(PermissionDeniedError):
        disposisi_create(
            surat=surat_sandi,
            actor=org["kabidsandi"],
            targets=[Tujuan(pegawai=org["statistisi"])],
            instruksi=[instr["ditindaklanjuti"]],
        )
    act = disposisi_create(
        surat=surat_sandi,
        actor=org["kabidaptika"],
        targets=[Tujuan(pegawai=org["statistisi"])],
        instruksi=[instr["ditindaklanjuti"]],
    )
    assert act.dari_jenis == "plh" and act.dari_pegawai == org["kabidaptika"]
    # the acting official may not use the Plh capacity to reach into his own Bidang
    with pytest.raises(PermissionDeniedError):
        disposisi_create(
            surat=surat_sandi,
            actor=org["kabidaptika"],
            targets=[Tujuan(pegawai=org["prakommuda"])],
            instruksi=[instr["pantau"]],
        )


def test_position_branch_follows_staff_rotation(org, instr, kka):
    surat = suratmasuk_register(
        actor=org["agendakominfo"],
        unit=UnitKerja.objects.get(kode="DISKOMINFOTIK"),
        data=DataSurat(
            pengirim="Kementerian Komunikasi dan Digital",
            hal="Evaluasi SPBE",
            tanggal_diterima=timezone.localdate(),
            urgensi="segera",
            klasifikasi_keamanan="biasa",
            kode_klasifikasi=kka,
            jabatan_tujuan=J("Kepala Dinas Komunikasi, Informatika dan Statistik"),
        ),
        files=[("spbe.pdf", make_pdf())],
    )
    team = TimKerja.objects.get(nama="Tim Kerja Transformasi Digital Pemerintahan")
    act = disposisi_create(
        surat=surat,
        actor=org["kadiskominfo"],
        targets=[Tujuan(jabatan=J("Kepala Bidang Aplikasi Informatika")), Tujuan(tim=team)],
        instruksi=[instr["ditindaklanjuti"]],
    )
    branch = act.penerima.get(ke_jabatan__isnull=False)
    team_branch = act.penerima.get(ke_tim=team)
    # the team lead acts for the team branch; a team member does not
    with pytest.raises(PermissionDeniedError):
        disposisi_report(cabang=team_branch, actor=org["prakompertama"], teks="x")
    disposisi_report(cabang=team_branch, actor=org["prakommuda"], teks="Tim sudah mengkaji.")
    # rotation: the Kabid Aptika moves on yesterday; a new official holds the position
    today = timezone.localdate()
    Penugasan.objects.filter(
        pegawai=org["kabidaptika"], jabatan=J("Kepala Bidang Aplikasi Informatika")
    ).update(selesai=today - dt.timedelta(days=1))
    newcomer = Pegawai.objects.create(username="kabidbaru", nama="Sari Wulandari")
    Penugasan.objects.create(
        pegawai=newcomer,
        jabatan=J("Kepala Bidang Aplikasi Informatika"),
        jenis="definitif",
        mulai=today,
    )
    with pytest.raises(PermissionDeniedError):
        disposisi_report(cabang=branch, actor=org["kabidaptika"], teks="x")
    disposisi_forward(
        cabang=branch,
        actor=newcomer,
        targets=[Tujuan(pegawai=org["stafaptika"])],
        instruksi=[instr["proses-lanjut"]],
    )
    from naskah.masuk.selectors import disposisi_inbox, suratmasuk_get_for_user

    assert suratmasuk_get_for_user(user=newcomer, pk=surat.pk) == surat
    assert branch.pk not in [c.pk for c in disposisi_inbox(org["kabidaptika"])]


def test_overdue_branches_are_reminded_then_escalated_once(disposed, org):
    from workflows.models import Notifikasi

    surat, act, lead, other = disposed
    after_deadline = lead.batas_waktu + dt.timedelta(hours=1)
    assert disposisi_remind_overdue(now=after_deadline) == {"diingatkan": 2, "dieskalasi": 0}
    assert disposisi_remind_overdue(now=after_deadline) == {"diingatkan": 0, "dieskalasi": 0}
    assert Notifikasi.objects.filter(recipient=org["kabagtu"], kind="masuk.terlambat").count() == 1
    later = lead.batas_waktu + dt.timedelta(hours=30)
    disposisi_report(cabang=other, actor=org["arsiparis"], teks="Selesai")
    assert disposisi_remind_overdue(now=later) == {"diingatkan": 0, "dieskalasi": 1}
    assert disposisi_remind_overdue(now=later) == {"diingatkan": 0, "dieskalasi": 0}
    assert Notifikasi.objects.filter(recipient=org["karoumum"], kind="masuk.eskalasi").count() == 1
    import time_machine

    from naskah.masuk.selectors import disposisi_inbox, disposisi_outbox

    with time_machine.travel(later):
        mine = disposisi_inbox(org["kabagtu"])
        assert [c.terlambat_pada() for c in mine] == [True]
        assert [c.pk for c in disposisi_outbox(org["karoumum"])] == [lead.pk]


def test_overdue_schedule_is_created_idempotently(db):
    from django_q.models import Schedule

    from naskah.masuk.schedules import schedules_ensure

    assert schedules_ensure() is True
    assert schedules_ensure(minutes=15) is False
    schedule = Schedule.objects.get(func="naskah.masuk.tasks.disposisi_overdue_task")
    assert schedule.minutes == 15


def _reply_draft(people, user, hal="Jawaban undangan sosialisasi"):
    from naskah.markup import blocks_from_markup
    from tests.letters import make_letter

    return make_letter(
        people,
        "draft",
        user=user,
        # An external letter: signed by the Sekda in own right (a Kepala Biro would need a
        # delegation, issue 13).
        signer="Sekretaris Daerah Provinsi Lampung",
        hal=hal,
        body=blocks_from_markup("Dengan hormat, kami akan hadir."),
        penerima=[{"jenis": "tujuan", "nama": "Kepala Badan Siber dan Sandi Negara"}],
        kode_klasifikasi=None,
    )


def test_report_links_a_reply_letter(disposed, org):
    from naskah.masuk.lembar import lembar_context

    surat, act, lead, other = disposed
    reply = _reply_draft(org, "kabagtu")
    someone_elses = _reply_draft(org, "arsiparis", hal="Draf orang lain")
    with pytest.raises(PermissionDeniedError, match="reply"):
        disposisi_report(cabang=lead, actor=org["kabagtu"], teks="x", balasan=someone_elses)
    report = disposisi_report(
        cabang=lead, actor=org["kabagtu"], teks="Jawaban disiapkan.", balasan=reply
    )
    assert report.balasan == reply
    assert list(reply.tindak_lanjut_masuk.all()) == [report]
    _layout, context = lembar_context(surat)
    rows = context["lampiran"][0]["body"][0]["rows"]
    assert any("balasan: konsep (Jawaban undangan sosialisasi)" in row[-1] for row in rows)
