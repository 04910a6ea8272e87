"""A reply starts from the incoming letter it answers."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError, PermissionDeniedError
from core.models import Pegawai
from core.services.audit import audit_record
from naskah.masuk import permissions as perms
from naskah.masuk.events import MASUK_SURATMASUK_REPLY_DRAFT
from naskah.masuk.models import (
    DisposisiPenerima,
    SuratBalasan,
    SuratMasuk,
)

# --- A reply starts from the letter it answers ------------------------------------------------


def reply_reference_text(surat: SuratMasuk) -> str:
    """The opening paragraph of a reply: "Menunjuk surat Saudara Nomor … tanggal … hal …"
    (Indonesian: it is the letter's own text, written in the letter's language)."""
    from core.indonesian import tanggal_panjang

    parts = ["Menunjuk surat Saudara"]
    if surat.nomor_surat:
        parts.append(f"Nomor {surat.nomor_surat}")
    if surat.tanggal_surat:
        parts.append(f"tanggal {tanggal_panjang(surat.tanggal_surat)}")
    parts.append(f"hal {surat.hal}")
    return " ".join(parts) + ", bersama ini kami sampaikan hal-hal sebagai berikut."


def _reply_recipient(surat: SuratMasuk) -> dict:
    """The sender: the signing position of an internal letter, else the external sender."""
    if surat.sumber_type == "naskah.naskah" and surat.sumber_id:
        from naskah.models import Naskah

        source = Naskah.objects.filter(pk=surat.sumber_id).only("penandatangan_id").first()
        if source is not None:
            return {"jenis": "tujuan", "jabatan_id": source.penandatangan_id}
    return {"jenis": "tujuan", "nama": surat.pengirim[:255]}


def suratmasuk_reply_draft(
    *, actor: Pegawai, surat: SuratMasuk, cabang: DisposisiPenerima | None = None
):
    """ "Buat konsep surat balasan": a new surat dinas draft for the actor with the sender
    as recipient, the reference to the letter answered as its first paragraph, the same
    subject, classification and security class, linked to the incoming letter (both pages
    show the link). The draft is the actor's like any other: only he sees it until he
    submits it."""
    from naskah.markup import _run
    from naskah.models import JenisNaskah
    from naskah.selectors.drafting import signer_choices, signer_default
    from naskah.services import naskah_create

    if not SuratMasuk.objects.filter(perms.visible_q(actor), pk=surat.pk).exists():
        raise PermissionDeniedError(_("You cannot see this incoming letter."))
    if cabang is not None and cabang.surat_id != surat.pk:
        raise PermissionDeniedError(_("This disposition belongs to another letter."))
    jenis = JenisNaskah.objects.filter(kode="surat_dinas", aktif=True).first()
    if jenis is None:
        raise ApplicationError(
            _("The letter type for replies (surat dinas) is not active."), code="no_jenis"
        )
    choices = signer_choices(jenis, actor)
    signer = next((j for j in choices if j.pk == surat.jabatan_tujuan_id), None)
    signer = signer or signer_default(jenis, actor, choices)
    if signer is None:
        raise PermissionDeniedError(_("Nobody you may draft for can sign a surat dinas."))
    options = getattr(signer, "mandat_options", [""]) or [""]
    body = [{"type": "paragraph", "runs": [_run(reply_reference_text(surat))], "align": "justify"}]
    with transaction.atomic():
        naskah = naskah_create(
            actor=actor,
            jenis=jenis,
            penandatangan=signer,
            mandat="" if "" in options else options[0],
            hal=surat.hal,
            body=body,
            penerima=[_reply_recipient(surat)],
            klasifikasi_keamanan=surat.klasifikasi_keamanan,
            kode_klasifikasi=surat.kode_klasifikasi,
        )
        SuratBalasan.objects.create(surat=surat, naskah=naskah, cabang=cabang, dibuat_oleh=actor)
        audit_record(
            actor=actor,
            action=MASUK_SURATMASUK_REPLY_DRAFT,
            obj=surat,
            details={"naskah": naskah.pk, "cabang": cabang.pk if cabang else None},
        )
    return naskah
