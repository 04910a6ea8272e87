"""Demo letters taken through the real flow: drafted, initialled through the approval
services, signed with the demo signers' passphrases, dispatched. Idempotent: a letter
whose subject already exists for its drafter is not made again.

`manage.py seed_demo` runs `core.demo.demo_seed`, then each app's `AppConfig.demo_seed()`
hook: naskah's (naskah.apps) calls `demo_seed_pelimpahan()` and `demo_seed_letters()`."""

from __future__ import annotations

from django.conf import settings

from core.models import Jabatan, KodeKlasifikasi, Pegawai
from naskah.events import NASKAH_DEMO_PELIMPAHAN
from naskah.markup import blocks_from_markup
from naskah.models import JenisNaskah, Naskah

DEFAULT_DEMO_PASSPHRASE = "tte-demo-lampung-2026"  # noqa: S105 - demo data, printed

DEMO_LETTERS = [
    {
        "konseptor": "prakommuda",
        "jenis": "surat_dinas",
        "penandatangan": "Kepala Dinas Komunikasi, Informatika dan Statistik",
        "hal": "Permohonan Data Layanan Aplikasi Daerah",
        "kode": "000.1.2.3",
        "klasifikasi": "biasa",
        "body": "Dengan hormat, dalam rangka pemutakhiran katalog layanan aplikasi daerah, "
        "kami mohon Saudara menyampaikan data aplikasi yang dikelola.\n\n"
        "Demikian atas perhatian dan kerja samanya kami ucapkan terima kasih.",
        "penerima": [
            {"jenis": "tujuan", "unit": "DISDIKBUD"},
            {
                "jenis": "tujuan",
                "nama": "Kepala Dinas Kominfo Kota Metro",
                "email": "kominfo@metrokota.example",
            },
            {"jenis": "tembusan", "jabatan": "Sekretaris Daerah Provinsi Lampung"},
        ],
    },
    {
        "konseptor": "statistisi",
        "jenis": "surat_dinas",
        "penandatangan": "Kepala Dinas Komunikasi, Informatika dan Statistik",
        "hal": "Penyampaian Laporan Insiden Keamanan Informasi",
        "kode": "000.1.2.3",
        "klasifikasi": "rahasia",
        "body": "Dengan hormat, bersama ini kami sampaikan laporan insiden keamanan informasi "
        "yang terjadi pada layanan surel daerah.",
        "penerima": [
            {"jenis": "tujuan", "jabatan": "Sekretaris Daerah Provinsi Lampung"},
            {
                "jenis": "tembusan",
                "nama": "Badan Siber dan Sandi Negara",
                "email": "bssn@bssn.example",
            },
        ],
    },
]


# Demo delegations (pelimpahan wewenang) behind the a.n./u.b. demo letters and samples:
# (form, delegating position, delegate, letter types, decree). Fictional decrees.
DEMO_PELIMPAHAN = [
    (
        "an",
        "Gubernur Lampung",
        "Sekretaris Daerah Provinsi Lampung",
        [
            "surat_dinas",
            "surat_undangan",
            "surat_edaran",
            "surat_perintah",
            "surat_tugas",
            "surat_keterangan",
            "surat_pengantar",
            "surat_kuasa",
            "pengumuman",
            "rekomendasi",
        ],
        "Keputusan Gubernur Lampung Nomor G/001/B.01/HK/2026 (demo)",
    ),
    (
        "ub",
        "Gubernur Lampung",
        "Asisten Administrasi Umum",
        ["surat_pengantar", "surat_undangan"],
        "Keputusan Gubernur Lampung Nomor G/001/B.01/HK/2026 (demo)",
    ),
]


def demo_seed_pelimpahan() -> int:
    """The demo delegations (idempotent; returns how many were made). Valid from the
    start of the demo assignments, without an end."""
    import datetime as dt

    from core.services.audit import audit_record
    from naskah.models import PelimpahanWewenang

    made = 0
    for form, dari, kepada, types, dasar in DEMO_PELIMPAHAN:
        row, created = PelimpahanWewenang.objects.get_or_create(
            jenis=form,
            dari=_jabatan(dari),
            kepada=_jabatan(kepada),
            dasar=dasar,
            defaults={"mulai": dt.date(2024, 1, 2)},
        )
        if created:
            row.jenis_naskah.set(JenisNaskah.objects.filter(kode__in=types))
            made += 1
    if made:
        audit_record(actor=None, action=NASKAH_DEMO_PELIMPAHAN, details={"created": made})
    return made


def demo_passphrase() -> str:
    return settings.NASKAH_DEMO_TTE_PASSPHRASE or DEFAULT_DEMO_PASSPHRASE


def _jabatan(nama: str) -> Jabatan:
    return Jabatan.objects.select_related("unit").get(nama=nama)


def _penerima(rows: list[dict]) -> list[dict]:
    from core.models import UnitKerja

    out = []
    for row in rows:
        spec = {"jenis": row["jenis"]}
        if "unit" in row:
            spec["unit_id"] = UnitKerja.objects.get(kode=row["unit"]).pk
        elif "jabatan" in row:
            spec["jabatan_id"] = _jabatan(row["jabatan"]).pk
        else:
            spec.update({"nama": row["nama"], "email": row.get("email", "")})
        out.append(spec)
    return out


def letter_through_paraf(naskah: Naskah) -> Naskah:
    """Submit a draft and let every waiting step's addressee initial it until the route
    waits for the signature (the real approval services)."""
    from naskah.selectors.approval import naskah_route_open
    from naskah.services.approval import naskah_paraf, naskah_submit
    from workflows.models import StepState
    from workflows.step_kinds import SIGNATURE_KINDS

    naskah.refresh_from_db()
    if naskah.status in Naskah.EDITABLE_STATUSES:
        naskah_submit(actor=naskah.konseptor, naskah=naskah, expected_revisi=naskah.revisi_terakhir)
    for _round in range(20):
        naskah.refresh_from_db()
        if naskah.status != Naskah.Status.DIAJUKAN:
            break
        route = naskah_route_open(naskah)
        state = (
            StepState.objects.filter(route=route, status="active")
            .exclude(step__kind__in=SIGNATURE_KINDS)
            .select_related("assignee")
            .order_by("pk")
            .first()
        )
        if state is None:
            break
        naskah_paraf(
            actor=state.assignee,
            naskah=naskah,
            step_state=state,
            expected_revisi=naskah.revisi_terakhir,
        )
    naskah.refresh_from_db()
    return naskah


def signer_ready(pegawai: Pegawai, passphrase: str) -> bool:
    """Give the signer a certificate with the demo passphrase if they have none: the signer
    requests it and the demo registration officer approves (signing/demo.py)."""
    from signing.demo import demo_officer
    from signing.selectors import signer_status
    from signing.services import signer_enroll

    status = signer_status(signer=pegawai)
    if status.ready:
        return True
    officer = demo_officer()
    if officer is None or officer.pk == pegawai.pk:
        return False
    if status.code in {"no_certificate", "expired", "revoked"}:
        from signing.models import CertificateRequest
        from signing.services import certificate_request_approve

        pending = CertificateRequest.objects.filter(
            pegawai=pegawai, status=CertificateRequest.Status.DIAJUKAN
        ).first()
        if pending is not None:  # asked for with the demo passphrase in an earlier run
            certificate_request_approve(request=pending, officer=officer)
        else:
            signer_enroll(signer=pegawai, passphrase=passphrase, officer=officer)
        return True
    return False


def demo_seed_letters(*, stdout=None) -> list[Naskah]:
    """Make the demo letters (idempotent) and print the demo signing passphrase."""
    from core.errors import ApplicationError
    from naskah.services import naskah_create
    from naskah.services.distribusi import naskah_dispatch
    from naskah.services.signing import naskah_sign

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text + "\n")

    passphrase = demo_passphrase()
    made = []
    for spec in DEMO_LETTERS:
        konseptor = Pegawai.objects.get(username=spec["konseptor"])
        naskah = Naskah.objects.filter(konseptor=konseptor, hal=spec["hal"]).first()
        if naskah is None:
            naskah = naskah_create(
                actor=konseptor,
                jenis=JenisNaskah.objects.get(kode=spec["jenis"]),
                penandatangan=_jabatan(spec["penandatangan"]),
                hal=spec["hal"],
                body=blocks_from_markup(spec["body"]),
                penerima=_penerima(spec["penerima"]),
                klasifikasi_keamanan=spec["klasifikasi"],
                kode_klasifikasi=KodeKlasifikasi.objects.filter(
                    kode=spec["kode"], skema__aktif=True
                ).first(),
            )
        naskah = letter_through_paraf(naskah)
        if naskah.status == Naskah.Status.SIAP_TANDATANGAN:
            from core.clock import office_today
            from core.selectors.organisasi import jabatan_holder_on

            holder = jabatan_holder_on(naskah.penandatangan, office_today())
            if holder is None or not signer_ready(holder.pegawai, passphrase):
                say(f"skipped (signer not ready): {naskah.hal}")
                continue
            try:
                naskah_sign(naskah=naskah, signer=holder.pegawai, passphrase=passphrase)
            except ApplicationError as error:
                say(f"not signed: {naskah.hal}: {error}")
                continue
            naskah.refresh_from_db()
        if naskah.status == Naskah.Status.DITANDATANGANI:
            naskah_dispatch(naskah=naskah)
            say(f"signed and dispatched: {naskah.nomor} {naskah.hal}")
        made.append(naskah)
    from signing.demo import demo_certificate_holders

    holders = demo_certificate_holders()
    say("Demo users holding a signing certificate: " + (", ".join(holders) if holders else "none"))
    say(f"Demo signing passphrase (all demo signers): {passphrase}")
    return made
