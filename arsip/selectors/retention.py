"""Reads of the retention rules: the dates a closed file's JRA gives, why a file may
not enter a disposal action, the files due for one, who must approve it, and the
records whose long-term archive copy needs work. Nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from arsip.models import ArsipRecord, Berkas, Penyusutan
from core.clock import office_today
from core.models import KodeKlasifikasi

Jenis = Penyusutan.Jenis


NasibAkhir = KodeKlasifikasi.NasibAkhir


ANRI_THRESHOLD_YEARS = 10


_OPEN_STATES = (Penyusutan.Status.DIUSULKAN, Penyusutan.Status.DINILAI, Penyusutan.Status.DISETUJUI)


def berkas_blockers(  # noqa: C901 - one independent `if` per retention rule
    berkas: Berkas, jenis: str, *, today: dt.date | None = None, ignore: Penyusutan | None = None
) -> list[str]:
    """Why this file may not enter a disposal action of this kind (empty: it may)."""
    today = today or office_today()
    reasons = []
    if berkas.status == Berkas.Status.TERBUKA:
        reasons.append(_("the file is still open"))
    elif not berkas.jra_ditetapkan:
        reasons.append(_("JRA not yet set for this classification code"))
    records = ArsipRecord.objects.filter(berkas=berkas)
    if records.filter(legal_hold=True).exists():
        reasons.append(_("a record in the file is under a legal hold"))
    if jenis == Jenis.PEMINDAHAN:
        if berkas.status not in (Berkas.Status.TERBUKA, Berkas.Status.AKTIF):
            reasons.append(_("only active files can be transferred"))
        elif berkas.aktif_sampai and berkas.aktif_sampai >= today:
            reasons.append(_("the active retention has not run out"))
    elif jenis == Jenis.PEMUSNAHAN:
        if berkas.nasib_akhir == NasibAkhir.PERMANEN:
            reasons.append(_("permanent files are never destroyed"))
        if records.filter(vital=True).exists():
            reasons.append(_("the file holds a vital record"))
        if berkas.status not in (Berkas.Status.TERBUKA, Berkas.Status.AKTIF, Berkas.Status.INAKTIF):
            reasons.append(_("the file was already disposed of"))
        elif berkas.inaktif_sampai and berkas.inaktif_sampai >= today:
            reasons.append(_("the retention has not run out"))
    elif jenis == Jenis.PENYERAHAN:
        if berkas.jra_ditetapkan and berkas.nasib_akhir != NasibAkhir.PERMANEN:
            reasons.append(_("only permanent files are handed over"))
        if berkas.status not in (Berkas.Status.TERBUKA, Berkas.Status.AKTIF, Berkas.Status.INAKTIF):
            reasons.append(_("the file was already disposed of"))
        elif berkas.inaktif_sampai and berkas.inaktif_sampai >= today:
            reasons.append(_("the retention has not run out"))
    pending = Penyusutan.objects.filter(berkas=berkas, status__in=_OPEN_STATES)
    if ignore is not None:
        pending = pending.exclude(pk=ignore.pk)
    if pending.exists():
        reasons.append(_("the file is already in another disposal action"))
    return reasons


def berkas_due(jenis: str, *, today: dt.date | None = None):
    """Files whose retention for this kind of action has run out (candidates; each one
    is still checked with `berkas_blockers` before it can be proposed)."""
    today = today or office_today()
    qs = Berkas.objects.exclude(nasib_akhir="").select_related("unit", "kode_klasifikasi")
    if jenis == Jenis.PEMINDAHAN:
        return qs.filter(status=Berkas.Status.AKTIF, aktif_sampai__lt=today)
    live = Q(status__in=[Berkas.Status.AKTIF, Berkas.Status.INAKTIF], inaktif_sampai__lt=today)
    if jenis == Jenis.PEMUSNAHAN:
        return qs.filter(live).exclude(nasib_akhir=NasibAkhir.PERMANEN)
    return qs.filter(live, nasib_akhir=NasibAkhir.PERMANEN)


def required_authority(penyusutan: Penyusutan) -> str:
    """Who must approve: for destruction the Head of ANRI when any file's total retention
    is ten years or more, else the Head of Region."""
    if penyusutan.jenis == Jenis.PEMINDAHAN:
        return Penyusutan.Otoritas.KEPALA_UNIT_KEARSIPAN
    if penyusutan.jenis == Jenis.PENYERAHAN:
        return Penyusutan.Otoritas.LEMBAGA_KEARSIPAN
    longest = max(
        ((b.retensi_aktif or 0) + (b.retensi_inaktif or 0) for b in penyusutan.berkas.all()),
        default=0,
    )
    if longest >= ANRI_THRESHOLD_YEARS:
        return Penyusutan.Otoritas.KEPALA_ANRI
    return Penyusutan.Otoritas.KEPALA_DAERAH


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_dates(
    *, kode: KodeKlasifikasi, ditutup: dt.date
) -> tuple[dt.date | None, dt.date | None]:
    """(active until, inactive until) counted from the closing date, or (None, None) when
    the code has no complete JRA ("JRA belum ditetapkan"): never a guessed value."""
    if not jra_complete(kode):
        return None, None
    aktif_sampai = add_years(ditutup, kode.retensi_aktif)
    return aktif_sampai, add_years(aktif_sampai, kode.retensi_inaktif)


def jra_complete(kode: KodeKlasifikasi) -> bool:
    return (
        kode.retensi_aktif is not None
        and kode.retensi_inaktif is not None
        and bool(kode.nasib_akhir)
    )


@dataclass(frozen=True)
class ClosePreview:
    """What closing a file today would set: the JRA of its code, or none."""

    ditutup: dt.date
    jra: bool
    retensi_aktif: int | None
    retensi_inaktif: int | None
    nasib_akhir: str
    nasib_akhir_label: str
    aktif_sampai: dt.date | None
    inaktif_sampai: dt.date | None


def berkas_close_preview(berkas: Berkas, ditutup: dt.date | None = None) -> ClosePreview:
    """The retention that `berkas_close` would apply (shown before the archivist
    confirms): the same computation, nothing written."""
    ditutup = ditutup or office_today()
    kode = berkas.kode_klasifikasi
    aktif, inaktif = retention_dates(kode=kode, ditutup=ditutup)
    jra = jra_complete(kode)
    return ClosePreview(
        ditutup=ditutup,
        jra=jra,
        retensi_aktif=kode.retensi_aktif if jra else None,
        retensi_inaktif=kode.retensi_inaktif if jra else None,
        nasib_akhir=kode.nasib_akhir if jra else "",
        nasib_akhir_label=str(kode.get_nasib_akhir_display()) if jra else "",
        aktif_sampai=aktif,
        inaktif_sampai=inaktif,
    )


LTA_RETRY_AFTER = dt.timedelta(hours=1)


LEVEL_UNSIGNED = "none"  # lta_level of a PDF without any signature


def _tsa_configured() -> bool:
    return bool(settings.NASKAH_TSA_URL)


def _renew_before() -> dt.datetime:
    days = int(settings.NASKAH_LTA_RENEW_DAYS)
    return timezone.now() + dt.timedelta(days=days)


def lta_due(*, tsa: bool | None = None):
    """Records whose archive copy needs work. With a TSA: a (new) document timestamp,
    because there is none yet, or the last one's TSA certificate expires within
    NASKAH_LTA_RENEW_DAYS and it was not renewed in the last day (a TSA that still signs
    with the same certificate is not asked daily again and again; the warning in the log
    says to renew the TSA's certificate). Without one: the B-LT copy of a letter that has
    none. A record whose last attempt failed waits LTA_RETRY_AFTER."""
    if tsa is None:
        tsa = _tsa_configured()
    now = timezone.now()
    records = (
        ArsipRecord.objects.exclude(berkas_pdf="")
        .exclude(status=ArsipRecord.Status.DIMUSNAHKAN)
        .exclude(lta_error__gt="", lta_checked_at__gt=now - LTA_RETRY_AFTER)
        .exclude(lta_level=LEVEL_UNSIGNED)
    )
    if not tsa:
        return records.filter(lta_level="")
    return records.filter(
        Q(lta_expires_at__isnull=True)
        | Q(
            lta_expires_at__lte=_renew_before(),
            lta_timestamp_at__lt=now - dt.timedelta(days=1),
        )
    )
