"""Helpers for the signing-flow tests: letters at "ready for signature", enrolled signers."""

from __future__ import annotations

from core.models import Jabatan, KodeKlasifikasi
from naskah.markup import blocks_from_markup
from naskah.models import JenisNaskah, Naskah

PASSPHRASE = "tte-uji-rahasia-1"
KADIS = "Kepala Dinas Komunikasi, Informatika dan Statistik"


def jabatan(nama: str) -> Jabatan:
    return Jabatan.objects.select_related("unit").get(nama=nama)


def kode(k: str = "000.1.2.3") -> KodeKlasifikasi:
    return KodeKlasifikasi.objects.filter(kode=k, skema__aktif=True).first()


def ready_letter(
    demo, *, user="prakommuda", signer=KADIS, klasifikasi="biasa", penerima=None, **kw
):
    from naskah.demo import letter_through_paraf
    from naskah.services import naskah_create

    values = {
        "actor": demo[user],
        "jenis": JenisNaskah.objects.get(kode="surat_dinas"),
        "penandatangan": jabatan(signer),
        "hal": "Permohonan Data Layanan Aplikasi",
        "body": blocks_from_markup("Dengan hormat, bersama ini kami sampaikan permohonan data."),
        "penerima": penerima
        if penerima is not None
        else [{"jenis": "tujuan", "nama": "Kepala Dinas Pendidikan Kota Metro"}],
        "klasifikasi_keamanan": klasifikasi,
        "kode_klasifikasi": kode(),
    }
    values.update(kw)
    naskah = letter_through_paraf(naskah_create(**values))
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN, naskah.status
    return naskah


def enroll(pegawai, passphrase=PASSPHRASE):
    from signing.services import signer_enroll
    from tests.factories import registration_officer

    signer_enroll(signer=pegawai, passphrase=passphrase, officer=registration_officer())
    return pegawai
