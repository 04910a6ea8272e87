"""Background tasks (django-q2). Thin and idempotent: load ids, call the index service."""

from __future__ import annotations

from django.conf import settings

from arsip.search.index import arsip_index_records
from core.services.queue import task_enqueue


def arsip_index_task(record_ids: list[int]) -> int:
    """Index these records; re-running it does nothing for unchanged text."""
    return arsip_index_records(record_ids=record_ids)


def arsip_index_schedule(record_ids: list[int]) -> None:
    """Queue the index update once the current transaction commits. With the setting
    ARSIP_INDEX_SYNC the update runs at once, inside the caller's transaction (tests,
    small single-process installs)."""
    ids = sorted(set(record_ids))
    if settings.ARSIP_INDEX_SYNC:
        arsip_index_records(record_ids=ids)
        return
    task_enqueue("arsip.tasks.arsip_index_task", ids, group="arsip-index")


def arsip_sync_task() -> str:
    """Scheduled: archive newly signed and newly registered letters, refresh the readers
    of archived letters whose readers changed (idempotent)."""
    from arsip.services.intake import arsip_sync_sources

    result = arsip_sync_sources()
    return (
        f"naskah {result.naskah}, masuk {result.masuk}, skipped {result.skipped}, "
        f"readers {result.pembaca}"
    )


def arsip_lta_task() -> str:
    """Scheduled (every 10 minutes; one query when nothing is due): bring archived
    letters to PAdES B-LTA and renew their archive timestamps before the last one's
    certificate expires (idempotent)."""
    from arsip.services.lta import arsip_lta_renew

    result = arsip_lta_renew()
    return (
        f"stamped {result.stamped}, B-LT {result.augmented}, skipped {result.skipped}, "
        f"failed {result.failed}"
    )


def arsip_lta_record_task(record_id: int) -> str:
    """Queued when a letter arrives in the archive: its B-LT/B-LTA copy at once
    (idempotent: nothing happens if the schedule did it first)."""
    from arsip.services.lta import arsip_lta_one

    outcome = arsip_lta_one(record_id)
    return {True: "stored", False: "not due", None: "failed"}[outcome]
