"""The disposition tree of an incoming letter: create, forward, read, report, close; the
overdue reminders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import hooks
from core.clock import office_today
from core.errors import ApplicationError, PermissionDeniedError
from core.models import Jabatan, Pegawai, TimKerja, UnitKerja
from core.selectors.organisasi import jabatan_holder_on
from core.services.audit import audit_record
from core.services.storage import storage_remove
from naskah.masuk import permissions as perms
from naskah.masuk.events import (
    MASUK_DISPOSISI_CLOSE,
    MASUK_DISPOSISI_CREATE,
    MASUK_DISPOSISI_FORWARD,
    MASUK_DISPOSISI_OVERDUE,
    MASUK_DISPOSISI_READ,
    MASUK_DISPOSISI_REPORT,
    MASUK_SURATMASUK_CLOSE,
)
from naskah.masuk.models import (
    BerkasTindakLanjut,
    Disposisi,
    DisposisiPenerima,
    InstruksiDisposisi,
    SuratMasuk,
    TindakLanjut,
)
from naskah.masuk.services.notices import _notice_text, _notify
from naskah.masuk.services.register import _file_audit
from naskah.masuk.uploads import check_uploads, removed_by_file

# --- Disposition tree ----------------------------------------------------------------------


@dataclass(frozen=True)
class Tujuan:
    """One recipient: exactly one of a position, a person or a work team."""

    jabatan: Jabatan | None = None
    pegawai: Pegawai | None = None
    tim: TimKerja | None = None

    @property
    def key(self) -> str:
        if self.jabatan:
            return f"j:{self.jabatan.pk}"
        if self.pegawai:
            return f"p:{self.pegawai.pk}"
        return f"t:{self.tim.pk}"


def _lock_letter(surat: SuratMasuk) -> SuratMasuk:
    locked = (
        SuratMasuk.objects.select_for_update().select_related("jabatan_tujuan").get(pk=surat.pk)
    )
    if locked.status == SuratMasuk.Status.SELESAI:
        raise ApplicationError(_("The letter is already completed."), code="letter_closed")
    return locked


def default_deadline(urgensi: str, start: dt.datetime | None = None) -> dt.datetime:
    """Deadline from the urgency (settings.NASKAH_SLA_JAM) on the office calendar."""
    from workflows.office_calendar import step_deadline

    return step_deadline(start or timezone.now(), urgensi)


def _check_targets(dari: Jabatan, targets: list[Tujuan]) -> None:
    if not targets:
        raise ApplicationError(_("Choose at least one recipient."), code="no_recipient")
    keys = [t.key for t in targets]
    if len(set(keys)) != len(keys):
        raise ApplicationError(_("A recipient is listed twice."), code="duplicate_recipient")
    for t in targets:
        if sum(x is not None for x in (t.jabatan, t.pegawai, t.tim)) != 1:
            raise ApplicationError(_("Each recipient must be one position, person or team."))
        if t.jabatan is not None:
            ok = t.jabatan.aktif and perms.is_below(dari, t.jabatan)
            label = t.jabatan.nama
        elif t.pegawai is not None:
            ok = t.pegawai.is_active and perms.pegawai_below(dari, t.pegawai)
            label = t.pegawai.nama_lengkap
        else:
            ok = t.tim.aktif and perms.tim_below(dari, t.tim)
            label = t.tim.nama
        if not ok:
            raise PermissionDeniedError(
                _("%(target)s is not below %(from)s: dispositions go down the line only.")
                % {"target": label, "from": dari.nama},
                code="not_below",
            )


def _target_unit(t: Tujuan) -> UnitKerja | None:
    if t.jabatan:
        return t.jabatan.unit
    if t.tim:
        return t.tim.unit
    own = perms.own_position(t.pegawai, office_today())
    return own.jabatan.unit if own else None


def _recipients_of(cabang: DisposisiPenerima) -> list[Pegawai]:
    if cabang.ke_jabatan_id:
        holder = jabatan_holder_on(cabang.ke_jabatan, office_today())
        return [holder.pegawai] if holder else []
    if cabang.ke_pegawai_id:
        return [cabang.ke_pegawai]
    return [cabang.ke_tim.ketua]


def _dispose(
    *,
    surat: SuratMasuk,
    induk: DisposisiPenerima | None,
    kapasitas: perms.Kapasitas,
    actor: Pegawai,
    targets: list[Tujuan],
    utama: int,
    instruksi: list[InstruksiDisposisi],
    catatan: str,
    batas_waktu: dt.datetime | None,
) -> Disposisi:
    _check_targets(kapasitas.jabatan, targets)
    if not 0 <= utama < len(targets):
        raise ApplicationError(_("Mark one recipient as the lead."), code="no_lead")
    if not instruksi:
        raise ApplicationError(_("Tick at least one instruction."), code="no_instruction")
    if any(not i.aktif for i in instruksi):
        raise ApplicationError(_("An instruction is no longer in use."), code="bad_instruction")
    now = timezone.now()
    deadline = batas_waktu or default_deadline(surat.urgensi, now)
    if induk is not None and deadline > induk.batas_waktu:
        if batas_waktu is not None:
            raise ApplicationError(
                _("The deadline cannot be later than your own deadline (%(deadline)s).")
                % {
                    "deadline": formats.date_format(
                        timezone.localtime(induk.batas_waktu), "SHORT_DATETIME_FORMAT"
                    )
                },
                code="deadline_after_parent",
            )
        deadline = induk.batas_waktu
    if deadline <= now:
        raise ApplicationError(_("The deadline must be in the future."), code="deadline_past")
    act = Disposisi.objects.create(
        surat=surat,
        induk=induk,
        dari_jabatan=kapasitas.jabatan,
        dari_pegawai=actor,
        dari_jenis=kapasitas.jenis,
        catatan=catatan.strip(),
        batas_waktu=deadline,
        dibuat_pada=now,
    )
    act.instruksi.set(instruksi)
    branches = []
    for index, t in enumerate(targets):
        branches.append(
            DisposisiPenerima.objects.create(
                disposisi=act,
                surat=surat,
                ke_jabatan=t.jabatan,
                ke_pegawai=t.pegawai,
                ke_tim=t.tim,
                ke_unit=_target_unit(t),
                utama=index == utama,
                batas_waktu=deadline,
            )
        )
    if induk is not None and induk.status in (
        DisposisiPenerima.Status.BELUM_DIBACA,
        DisposisiPenerima.Status.DIBACA,
    ):
        induk.status = DisposisiPenerima.Status.DIPROSES
        if induk.dibaca_pada is None:
            induk.dibaca_pada, induk.dibaca_oleh = now, actor
        induk.save(update_fields=["status", "dibaca_pada", "dibaca_oleh"])
    if surat.status == SuratMasuk.Status.TERDAFTAR:
        surat.status = SuratMasuk.Status.DIDISPOSISI
        surat.save(update_fields=["status"])
    for cabang in branches:
        _notify(
            _recipients_of(cabang),
            surat=surat,
            kind="masuk.disposisi",
            text=_notice_text(surat, gettext_noop("New disposition")),
            key=f"masuk:disposisi:{cabang.pk}",
        )
    hooks.notify(hooks.READERS_CHANGED, surat)
    audit_record(
        actor=actor,
        action=MASUK_DISPOSISI_FORWARD if induk else MASUK_DISPOSISI_CREATE,
        obj=act,
        details={
            "surat": surat.pk,
            "induk": induk.pk if induk else None,
            "dari_jabatan": kapasitas.jabatan.pk,
            "kapasitas": kapasitas.jenis,
            "penerima": [t.key for t in targets],
            "utama": targets[utama].key,
            "instruksi": [i.kode for i in instruksi],
            "batas_waktu": deadline.isoformat(),
        },
    )
    return act


def disposisi_create(
    *,
    surat: SuratMasuk,
    actor: Pegawai,
    targets: list[Tujuan],
    utama: int = 0,
    instruksi: list[InstruksiDisposisi],
    catatan: str = "",
    batas_waktu: dt.datetime | None = None,
) -> Disposisi:
    """The addressed head (or the Plt/Plh acting for the position today) disposes the
    letter to positions, people or teams below, with one lead recipient."""
    with transaction.atomic():
        locked = _lock_letter(surat)
        kapasitas = perms.root_capacity(actor, locked)
        if kapasitas is None:
            raise PermissionDeniedError(
                _("Only the holder of %(jabatan)s (or the acting official) may dispose it.")
                % {"jabatan": locked.jabatan_tujuan.nama},
                code="not_holder",
            )
        return _dispose(
            surat=locked,
            induk=None,
            kapasitas=kapasitas,
            actor=actor,
            targets=targets,
            utama=utama,
            instruksi=instruksi,
            catatan=catatan,
            batas_waktu=batas_waktu,
        )


def _lock_branch(cabang: DisposisiPenerima) -> tuple[SuratMasuk, DisposisiPenerima]:
    surat = _lock_letter(cabang.surat)
    fresh = DisposisiPenerima.objects.select_related(
        "ke_jabatan", "ke_pegawai", "ke_tim", "disposisi__dari_jabatan"
    ).get(pk=cabang.pk)
    return surat, fresh


def disposisi_forward(
    *,
    cabang: DisposisiPenerima,
    actor: Pegawai,
    targets: list[Tujuan],
    utama: int = 0,
    instruksi: list[InstruksiDisposisi],
    catatan: str = "",
    batas_waktu: dt.datetime | None = None,
) -> Disposisi:
    """A recipient re-disposes their branch further down (a sub-tree of the branch)."""
    with transaction.atomic():
        surat, fresh = _lock_branch(cabang)
        if fresh.status == DisposisiPenerima.Status.SELESAI:
            raise ApplicationError(_("This disposition is already closed."), code="branch_closed")
        kapasitas = perms.branch_capacity(actor, fresh)
        if kapasitas is None:
            raise PermissionDeniedError(
                _("Only the recipient of this disposition may re-dispose it."),
                code="not_recipient",
            )
        return _dispose(
            surat=surat,
            induk=fresh,
            kapasitas=kapasitas,
            actor=actor,
            targets=targets,
            utama=utama,
            instruksi=instruksi,
            catatan=catatan,
            batas_waktu=batas_waktu,
        )


def disposisi_mark_read(*, cabang: DisposisiPenerima, actor: Pegawai) -> bool:
    """Record the read receipt the first time the recipient opens the letter. Returns True
    when this call recorded it."""
    if cabang.status != DisposisiPenerima.Status.BELUM_DIBACA:
        return False
    if perms.branch_capacity(actor, cabang) is None:
        return False
    with transaction.atomic():
        now = timezone.now()
        updated = DisposisiPenerima.objects.filter(
            pk=cabang.pk, status=DisposisiPenerima.Status.BELUM_DIBACA
        ).update(status=DisposisiPenerima.Status.DIBACA, dibaca_pada=now, dibaca_oleh=actor)
        if not updated:
            return False
        hooks.notify(hooks.READERS_CHANGED, SuratMasuk(pk=cabang.surat_id))
        audit_record(
            actor=actor,
            action=MASUK_DISPOSISI_READ,
            obj=cabang,
            details={"surat": cabang.surat_id, "read_at": now.isoformat()},
        )
    cabang.refresh_from_db()
    return True


def _descendants(cabang_ids: list[int]) -> list[DisposisiPenerima]:
    found: list[DisposisiPenerima] = []
    level = cabang_ids
    while level:
        rows = list(DisposisiPenerima.objects.filter(disposisi__induk_id__in=level))
        found += rows
        level = [r.pk for r in rows]
    return found


def _complete_if_done(surat: SuratMasuk, actor: Pegawai, now: dt.datetime) -> bool:
    if surat.cabang.exclude(status=DisposisiPenerima.Status.SELESAI).exists():
        return False
    surat.status = SuratMasuk.Status.SELESAI
    surat.selesai_pada, surat.selesai_oleh = now, actor
    surat.save(update_fields=["status", "selesai_pada", "selesai_oleh"])
    return True


def disposisi_report(
    *,
    cabang: DisposisiPenerima,
    actor: Pegawai,
    teks: str,
    files: list[tuple[str, bytes]] | None = None,
    selesai: bool = True,
    balasan=None,
) -> TindakLanjut:
    """A follow-up report (tindak lanjut) on a branch: text, optional files (checked by
    content), optionally a reply letter (a Naskah the reporter can see). A final report
    closes the branch, which needs every re-disposed sub-branch closed first; the letter
    completes when its last branch closes."""
    if not (teks or "").strip():
        raise ApplicationError(_("Write what was done."), code="no_text")
    checked = check_uploads(files or [], required=False)
    if balasan is not None:
        from naskah.permissions import naskah_visible_to

        if not naskah_visible_to(actor).filter(pk=balasan.pk).exists():
            raise PermissionDeniedError(
                _("You can link only a letter you can see as the reply."), code="bad_reply"
            )
    saved: list[str] = []
    try:
        with transaction.atomic():
            surat, fresh = _lock_branch(cabang)
            if fresh.status == DisposisiPenerima.Status.SELESAI:
                raise ApplicationError(
                    _("This disposition is already closed."), code="branch_closed"
                )
            if perms.branch_capacity(actor, fresh) is None:
                raise PermissionDeniedError(
                    _("Only the recipient of this disposition may report on it."),
                    code="not_recipient",
                )
            open_below = [c for c in _descendants([fresh.pk]) if c.terbuka]
            if selesai and open_below:
                raise ApplicationError(
                    _(
                        "%(count)d disposition(s) you passed on are still open; wait for their "
                        "reports or close them first."
                    )
                    % {"count": len(open_below)},
                    code="open_sub_branches",
                )
            now = timezone.now()
            report = TindakLanjut.objects.create(
                cabang=fresh,
                pelapor=actor,
                teks=teks.strip(),
                balasan=balasan,
                final=selesai,
                dibuat_pada=now,
            )
            for item in checked:
                row = BerkasTindakLanjut(
                    laporan=report,
                    nama_asli=item.name,
                    jenis=item.jenis,
                    ukuran=item.ukuran,
                    sha256=item.sha256,
                )
                row.berkas.save(item.name, ContentFile(item.data), save=False)
                saved.append(row.berkas.name)
                row.save()
            fresh.status = (
                DisposisiPenerima.Status.SELESAI if selesai else DisposisiPenerima.Status.DIPROSES
            )
            if fresh.dibaca_pada is None:
                fresh.dibaca_pada, fresh.dibaca_oleh = now, actor
            if selesai:
                fresh.selesai_pada, fresh.selesai_oleh = now, actor
                fresh.cara_selesai = DisposisiPenerima.CaraSelesai.LAPORAN
            fresh.save()
            completed = selesai and _complete_if_done(surat, actor, now)
            disposer = jabatan_holder_on(fresh.disposisi.dari_jabatan, office_today())
            if disposer is not None:
                _notify(
                    [disposer.pegawai],
                    surat=surat,
                    kind="masuk.tindak_lanjut",
                    text=_notice_text(surat, gettext_noop("Follow-up report")),
                    key=f"masuk:laporan:{report.pk}",
                )
            hooks.notify(hooks.READERS_CHANGED, surat)
            audit_record(
                actor=actor,
                action=MASUK_DISPOSISI_REPORT,
                obj=fresh,
                details={
                    "surat": surat.pk,
                    "laporan": report.pk,
                    "selesai": selesai,
                    "balasan": balasan.pk if balasan is not None else None,
                    "files": [_file_audit(f) for f in checked],
                    "surat_selesai": completed,
                },
            )
    except BaseException:
        storage_remove(saved, after="a failed registration")
        raise
    report.konten_aktif_dihapus = removed_by_file(checked)
    return report


def _close_branches(rows: list[DisposisiPenerima], actor: Pegawai, alasan: str, now) -> list[int]:
    closed = []
    for row in rows:
        if not row.terbuka:
            continue
        row.status = DisposisiPenerima.Status.SELESAI
        row.selesai_pada, row.selesai_oleh = now, actor
        row.cara_selesai = DisposisiPenerima.CaraSelesai.DITUTUP
        row.catatan_tutup = alasan
        row.save()
        closed.append(row.pk)
    return closed


def disposisi_close(*, cabang: DisposisiPenerima, actor: Pegawai, alasan: str) -> list[int]:
    """The disposer (holder of the position that disposed the branch) closes it without a
    report, with a reason; its open sub-branches close with it. Returns the closed ids."""
    alasan = (alasan or "").strip()
    if not alasan:
        raise ApplicationError(_("Give the reason for closing."), code="no_reason")
    with transaction.atomic():
        surat, fresh = _lock_branch(cabang)
        if not fresh.terbuka:
            raise ApplicationError(_("This disposition is already closed."), code="branch_closed")
        if not perms.can_close_branch(actor, fresh):
            raise PermissionDeniedError(
                _("Only the official who disposed it may close this disposition."),
                code="not_disposer",
            )
        now = timezone.now()
        closed = _close_branches([fresh, *_descendants([fresh.pk])], actor, alasan, now)
        completed = _complete_if_done(surat, actor, now)
        hooks.notify(hooks.READERS_CHANGED, surat)
        audit_record(
            actor=actor,
            action=MASUK_DISPOSISI_CLOSE,
            obj=fresh,
            details={"surat": surat.pk, "closed": closed, "alasan": alasan, "selesai": completed},
        )
    return closed


def suratmasuk_close(*, surat: SuratMasuk, actor: Pegawai, catatan: str) -> SuratMasuk:
    """The addressed head (or acting official) closes the letter: every open branch is
    closed explicitly with the note as the reason."""
    catatan = (catatan or "").strip()
    if not catatan:
        raise ApplicationError(_("Give a closing note."), code="no_reason")
    with transaction.atomic():
        locked = _lock_letter(surat)
        if perms.root_capacity(actor, locked) is None:
            raise PermissionDeniedError(
                _("Only the holder of %(jabatan)s (or the acting official) may close it.")
                % {"jabatan": locked.jabatan_tujuan.nama},
                code="not_holder",
            )
        now = timezone.now()
        closed = _close_branches(list(locked.cabang.all()), actor, catatan, now)
        locked.status = SuratMasuk.Status.SELESAI
        locked.selesai_pada, locked.selesai_oleh, locked.catatan_selesai = now, actor, catatan
        locked.save(update_fields=["status", "selesai_pada", "selesai_oleh", "catatan_selesai"])
        audit_record(
            actor=actor,
            action=MASUK_SURATMASUK_CLOSE,
            obj=locked,
            details={"closed_branches": closed, "catatan": catatan},
        )
    return locked


# --- Monitoring ----------------------------------------------------------------------------


def disposisi_remind_overdue(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remind recipients of overdue open branches once, and escalate to the disposer once
    the branch is NASKAH_MASUK_ESKALASI_JAM hours past its deadline. Idempotent: each
    branch is reminded and escalated at most once (flags set under a row lock, and the
    notifications carry idempotency keys)."""
    now = now or timezone.now()
    escalate_after = timedelta(hours=int(settings.NASKAH_MASUK_ESKALASI_JAM))
    counts = {"diingatkan": 0, "dieskalasi": 0}
    open_overdue = DisposisiPenerima.objects.exclude(
        status=DisposisiPenerima.Status.SELESAI
    ).filter(batas_waktu__lt=now, surat__status__in=["terdaftar", "didisposisi"])
    todo = open_overdue.filter(
        Q(diingatkan_pada__isnull=True)
        | Q(dieskalasi_pada__isnull=True, batas_waktu__lt=now - escalate_after)
    ).values_list("pk", flat=True)
    for pk in list(todo):
        with transaction.atomic():
            row = (
                DisposisiPenerima.objects.select_for_update(of=("self",))
                .select_related("surat", "disposisi__dari_jabatan", "ke_jabatan", "ke_tim")
                .get(pk=pk)
            )
            if not row.terbuka:
                continue
            done = []
            if row.diingatkan_pada is None:
                _notify(
                    _recipients_of(row),
                    surat=row.surat,
                    kind="masuk.terlambat",
                    text=_notice_text(row.surat, gettext_noop("Disposition overdue")),
                    key=f"masuk:terlambat:{row.pk}",
                )
                row.diingatkan_pada = now
                done.append("diingatkan")
            if row.dieskalasi_pada is None and row.batas_waktu < now - escalate_after:
                disposer = jabatan_holder_on(row.disposisi.dari_jabatan, office_today())
                if disposer is not None:
                    _notify(
                        [disposer.pegawai],
                        surat=row.surat,
                        kind="masuk.eskalasi",
                        text=_notice_text(
                            row.surat, gettext_noop("Escalation: disposition overdue")
                        ),
                        key=f"masuk:eskalasi:{row.pk}",
                    )
                row.dieskalasi_pada = now
                done.append("dieskalasi")
            if not done:
                continue
            row.save(update_fields=["diingatkan_pada", "dieskalasi_pada"])
            for name in done:
                counts[name] += 1
            audit_record(
                actor=None,
                action=MASUK_DISPOSISI_OVERDUE,
                obj=row,
                details={"surat": row.surat_id, "actions": done},
            )
    return counts
