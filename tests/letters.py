"""One way for tests to make an outgoing letter, in any state of its life, through the
services a user's actions go through (no rows written by hand):

    make_letter(demo, "draft" | "submitted" | "ready" | "signed" | "dispatched", **fields)

- draft: `naskah_create` by `user` (default prakommuda), a Surat Dinas to be signed by the
  Kepala Dinas Kominfo, with a classification code so it can be submitted;
- submitted: `naskah_submit` by its drafter (the route waits for the first paraf);
- ready: every paraf step initialled (`letter_through_paraf`): waits for the signature;
- signed: the position's holder signs with PASSPHRASE (enrolled first if they hold no
  certificate);
- dispatched: `naskah_dispatch` delivered it.

`fields` go to `naskah_create` (`jenis` and `signer` may be a code / position name).
A test that changes the draft first (attachments, edits) makes it with state "draft" and
moves it on with `advance_letter(naskah, state)`.
"""

from __future__ import annotations

from core.models import Jabatan, KodeKlasifikasi
from naskah.markup import blocks_from_markup
from naskah.models import JenisNaskah, Naskah

PASSPHRASE = "tte-uji-rahasia-1"
KADIS = "Kepala Dinas Komunikasi, Informatika dan Statistik"
STATES = ("draft", "submitted", "ready", "signed", "dispatched")
DEFAULT_KODE = "000.1.2.3"


def jabatan(nama: str) -> Jabatan:
    return Jabatan.objects.select_related("unit").get(nama=nama)


def kode(k: str = DEFAULT_KODE) -> KodeKlasifikasi:
    return KodeKlasifikasi.objects.filter(kode=k, skema__aktif=True).first()


def enroll(pegawai, passphrase: str = PASSPHRASE):
    """Give `pegawai` a signing certificate (requested and approved by a registration
    officer)."""
    from signing.services import signer_enroll
    from tests.factories import registration_officer

    signer_enroll(signer=pegawai, passphrase=passphrase, officer=registration_officer())
    return pegawai


def signer_of(naskah: Naskah):
    """Today's holder of the letter's signing position."""
    from core.clock import office_today
    from core.selectors.organisasi import jabatan_holder_on

    holder = jabatan_holder_on(naskah.penandatangan, office_today())
    assert holder is not None, f"nobody holds {naskah.penandatangan}"
    return holder.pegawai


def make_letter(
    demo,
    state: str = "draft",
    *,
    user: str = "prakommuda",
    signer: str | Jabatan = KADIS,
    jenis: str | JenisNaskah = "surat_dinas",
    klasifikasi: str | None = None,
    signed_by=None,
    **fields,
) -> Naskah:
    """A letter in `state` (module docstring). `signed_by`: who signs (default: today's
    holder of the signing position)."""
    from naskah.services import naskah_create

    if state not in STATES:
        raise ValueError(f"state must be one of {STATES}, not {state!r}")
    values = {
        "actor": demo[user],
        "jenis": jenis if isinstance(jenis, JenisNaskah) else JenisNaskah.objects.get(kode=jenis),
        "penandatangan": signer if isinstance(signer, Jabatan) else jabatan(signer),
        "hal": "Permohonan Data Layanan Aplikasi",
        "body": blocks_from_markup("Dengan hormat, bersama ini kami sampaikan permohonan data."),
        "penerima": [{"jenis": "tujuan", "nama": "Kepala Dinas Pendidikan Kota Metro"}],
        # Submission checks what the signer will need (naskah.services.periksa).
        "kode_klasifikasi": kode(),
    }
    if klasifikasi is not None:
        values["klasifikasi_keamanan"] = klasifikasi
    values.update(fields)
    naskah = naskah_create(**values)
    return advance_letter(naskah, state, signed_by=signed_by)


def advance_letter(naskah: Naskah, state: str, *, signed_by=None) -> Naskah:
    """Move a draft made by `make_letter(demo, "draft")` and changed since (attachments
    added, fields edited) on to `state`, through the same services as `make_letter`."""
    from naskah.demo import letter_through_paraf

    if state not in STATES:
        raise ValueError(f"state must be one of {STATES}, not {state!r}")
    target = STATES.index(state)
    if target == 0:
        return naskah
    if target == 1:
        from naskah.services.approval import naskah_submit

        naskah_submit(actor=naskah.konseptor, naskah=naskah, expected_revisi=naskah.revisi_terakhir)
        naskah.refresh_from_db()
        assert naskah.status == Naskah.Status.DIAJUKAN, naskah.status
        return naskah
    naskah = letter_through_paraf(naskah)
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN, naskah.status
    if target == 2:
        return naskah
    from naskah.services.signing import naskah_sign
    from signing.models import SignerCertificate

    pegawai = signed_by or signer_of(naskah)
    if not SignerCertificate.objects.filter(pegawai=pegawai).exists():
        enroll(pegawai)
    naskah_sign(naskah=naskah, signer=pegawai, passphrase=PASSPHRASE)
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DITANDATANGANI, naskah.status
    if target == 3:
        return naskah
    from naskah.services.distribusi import naskah_dispatch

    naskah_dispatch(naskah=naskah)
    naskah.refresh_from_db()
    return naskah
