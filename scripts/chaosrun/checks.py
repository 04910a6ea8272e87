"""Checks: nothing lost or doubled, no stranded work, the audit chain, orphan files."""

from __future__ import annotations

import contextlib

from chaosrun.drain import _open_work

# --- Checks ------------------------------------------------------------------------------------


def _messages() -> set[tuple[str, object]]:
    """(task, first argument) of every message on the queue and every pending schedule (the
    attempts' retries are one-off schedules): the work something will still run."""
    import ast

    from django_q.models import OrmQ, Schedule

    found: set[tuple[str, object]] = set()
    for message in OrmQ.objects.all():
        with contextlib.suppress(Exception):
            args = message.args() or ()
            found.add((message.func(), args[0] if args else None))
    for func, args in Schedule.objects.values_list("func", "args"):
        with contextlib.suppress(ValueError, SyntaxError):
            parsed = ast.literal_eval(args) if args else ()
            found.add((func, parsed[0] if parsed else None))
    return found


def _stranded() -> dict:
    """Open work (pending or running on its object) that no queued message or retry
    schedule will ever run: work lost. Each kind of background work must have none."""
    from naskah.masuk.models import SuratMasuk
    from naskah.models import Distribusi, NaskahTTE

    messages = _messages()
    ocr = [
        pk
        for pk in SuratMasuk.objects.filter(ocr_status__in=["menunggu", "diproses"]).values_list(
            "pk", flat=True
        )
        if ("naskah.masuk.tasks.suratmasuk_ocr_task", pk) not in messages
    ]
    dispatch = [
        pk
        for pk, naskah_id in NaskahTTE.objects.filter(selesai=True)
        .exclude(kirim_status__in=["selesai", "gagal"])
        .values_list("pk", "naskah_id")
        if ("naskah.tasks.naskah_dispatch_attempt_task", pk) not in messages
        and ("naskah.tasks.naskah_dispatch_task", naskah_id) not in messages
    ]
    email = [
        pk
        for pk in Distribusi.objects.filter(status__in=["menunggu", "mengirim"]).values_list(
            "pk", flat=True
        )
        if ("naskah.tasks.distribusi_email_task", pk) not in messages
    ]
    return {"ocr": ocr, "dispatch": dispatch, "email": email}


def _deliveries_per_recipient(dispatched) -> dict:
    """Each dispatched letter delivered to each of its recipients: a delivery row for
    every target its signed revision names (distribusi_targets, the plan's own list), and
    every internal one in the inbox. E-mail still on its way is unfinished work, counted
    by the task columns."""
    from naskah.models import Distribusi, Naskah
    from naskah.services.distribusi import distribusi_targets

    missing = 0
    owed = 0
    for letter in Naskah.objects.filter(pk__in=dispatched.values("naskah")):
        keys = {key for key, _fields in distribusi_targets(letter)}
        owed += len(keys)
        have = set(Distribusi.objects.filter(naskah=letter).values_list("kunci", flat=True))
        missing += len(keys - have)
    not_in_inbox = (
        Distribusi.objects.filter(
            naskah__in=dispatched.values("naskah"), saluran=Distribusi.Saluran.INTERNAL
        )
        .exclude(status=Distribusi.Status.TERKIRIM)
        .count()
    )
    return {
        "deliveries_owed": owed,
        "deliveries_missing": missing,
        "internal_deliveries_not_in_inbox": not_in_inbox,
    }


def checks() -> dict:
    from django.apps import apps
    from django.core.files.storage import default_storage
    from django.db.models import Count, FileField, Max

    from core.services.audit import audit_verify_chain
    from core.services.storage import PENDING_PREFIX, _walk, storage_sweep
    from naskah.masuk.models import SuratMasuk
    from naskah.models import BatchTTEItem, Distribusi, DokumenTersegel, Naskah, NaskahTTE
    from penomoran.models import Nomor

    result: dict = {}
    duplicate, missing, books = 0, 0, 0
    for row in Nomor.objects.values("buku", "tahun").annotate(
        n=Count("pk"), distinct=Count("urut", distinct=True), top=Max("urut")
    ):
        books += 1
        duplicate += row["n"] - row["distinct"]
        missing += row["top"] - row["distinct"]
    result["books"] = books
    result["numbers"] = Nomor.objects.count()
    result["duplicate_numbers"] = duplicate
    result["missing_numbers"] = missing
    # A number used by a letter is the letter's number (nothing allocated then lost).
    used = Nomor.objects.filter(object_type="naskah.naskah", status="digunakan")
    result["numbers_not_on_their_letter"] = sum(
        1
        for object_id, teks in used.values_list("object_id", "teks")
        if not Naskah.objects.filter(pk=int(object_id), nomor=teks).exists()
    )
    result["letters_signed"] = NaskahTTE.objects.count()
    result["letters_signed_twice"] = (
        DokumenTersegel.objects.values("tte", "urutan").annotate(n=Count("pk")).filter(n__gt=1)
    ).count() + (
        DokumenTersegel.objects.values("tte", "penandatangan")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    result["signed_without_record"] = Naskah.objects.filter(
        status=Naskah.Status.DITANDATANGANI, tte__isnull=True
    ).count()
    dispatched = NaskahTTE.objects.filter(kirim_status="selesai")
    result["letters_dispatched"] = dispatched.count()
    result["deliveries"] = Distribusi.objects.count()
    result["deliveries_doubled"] = (
        Distribusi.objects.values("naskah", "jenis", "label", "saluran")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    result["dispatched_without_delivery"] = dispatched.filter(
        naskah__distribusi__isnull=True
    ).count()
    result.update(_deliveries_per_recipient(dispatched))
    result["batch_items_open"] = BatchTTEItem.objects.exclude(
        status__in=["berhasil", "gagal"]
    ).count()
    result["batch_items_signed_but_letter_not"] = BatchTTEItem.objects.filter(
        status="berhasil", naskah__tte__isnull=True
    ).count()
    result["incoming_registered"] = SuratMasuk.objects.count()
    stranded = _stranded()
    result["tasks_stranded"] = sum(len(v) for v in stranded.values())
    result["tasks_stranded_detail"] = stranded
    work = _open_work()
    result["tasks_unfinished"] = sum(v for k, v in work.items() if k != "batches")
    result["tasks_unfinished_detail"] = work
    result["tasks_failed_visibly"] = {
        "ocr": SuratMasuk.objects.filter(ocr_status="gagal").count(),
        "dispatch": NaskahTTE.objects.filter(kirim_status="gagal").count(),
        "email": Distribusi.objects.filter(status="gagal").count(),
    }
    chain = audit_verify_chain()
    result["audit_chain_valid"] = bool(chain.ok)
    result["audit_events"] = chain.checked
    # Files: every stored file is referenced by a row; pending files of transactions that
    # never committed are what storage_sweep removes (run here with no grace: all stopped).
    referenced: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField):
                referenced.update(
                    n for n in model._default_manager.values_list(field.name, flat=True) if n
                )
    # Stored names kept in plain columns: the archive record's own copies (its long-term
    # B-LTA copy is a file of its own, arsip/services/lta.py).
    from arsip.models import ArsipRecord

    for name in ("berkas_pdf", "berkas_pindai", "berkas_pdf_lta"):
        referenced.update(n for n in ArsipRecord.objects.values_list(name, flat=True) if n)
    result["pending_files_before_sweep"] = sum(1 for _ in _walk(default_storage, "pending"))
    result["sweep"] = storage_sweep(max_age_minutes=0)
    stored = []
    try:
        tops = default_storage.listdir("")[0]
    except FileNotFoundError:  # a file storage nothing was ever written to has no folder
        tops = []
    for top in tops:
        if top in ("readyz", PENDING_PREFIX.rstrip("/")):
            continue
        stored.extend(_walk(default_storage, top))
    result["stored_files"] = len(stored)
    orphans = sorted(name for name in stored if name not in referenced)
    result["orphan_files"] = len(orphans)
    result["orphan_names"] = orphans[:20]  # what kind of file was left: names say where from
    result["missing_files"] = sum(1 for name in referenced if not default_storage.exists(name))
    result["pending_files_left"] = sum(1 for _ in _walk(default_storage, "pending"))
    return result


LOSS_COLUMNS = [
    "duplicate_numbers",
    "missing_numbers",
    "numbers_not_on_their_letter",
    "letters_signed_twice",
    "signed_without_record",
    "deliveries_doubled",
    "dispatched_without_delivery",
    "deliveries_missing",
    "internal_deliveries_not_in_inbox",
    "batch_items_open",
    "batch_items_signed_but_letter_not",
    "tasks_stranded",
    "orphan_files",
    "missing_files",
    "pending_files_left",
]
