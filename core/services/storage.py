"""Stored files: unguessable names, the pending area, and cleaning up after failures.

Names. Every stored file gets a name with a random token (`storage_new_name`,
`core.files.RandomName` for `upload_to`): nothing about a letter, its id or its number
predicts where its file lies. Files are only ever sent by views that check the object's
visibility rule (`core.files.stored_file_response`); there is no media URL.

The pending area. A file that must not exist unless its transaction commits (a sealed,
validly signed PDF carries a number that a rolled-back transaction gives back) is written
with `storage_save_pending` under ``pending/<final name>``, and a `BerkasTertunda` row naming
it is inserted in the same transaction. After the commit the file is moved to its final name
(`storage_publish`, run by `transaction.on_commit`) and the row is deleted. If the process
dies in between:

- before the commit: the row rolled back; `storage_sweep` deletes the pending file once it
  is older than ``NASKAH_STORAGE_PENDING_MAX_AGE_MINUTES`` (younger ones may belong to a
  transaction still running);
- after the commit, before the move: the row is there; `storage_sweep` publishes the file.

Until it is published, `storage_open` reads a committed file from the pending area, so a
reader never sees the gap.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from collections.abc import Iterator

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

PENDING_PREFIX = "pending/"


def storage_new_name(prefix: str, ext: str = "", *, now: dt.datetime | None = None) -> str:
    """``<prefix>/<year>/<month>/<random token><ext>``: unguessable, never reused."""
    now = now or timezone.now()
    ext = ext if not ext or ext.startswith(".") else f".{ext}"
    return f"{prefix.strip('/')}/{now:%Y/%m}/{secrets.token_urlsafe(24)}{ext.lower()}"


def pending_name(name: str) -> str:
    return PENDING_PREFIX + name


def _path(storage: Storage, name: str) -> str | None:
    try:
        return storage.path(name)
    except NotImplementedError:
        return None


def storage_save_pending(name: str, content: bytes, written: list[str]) -> str:
    """Write `content` to the pending area for the final `name` and record it in the
    current transaction; it is published when the transaction commits (module docstring).
    The pending file's name is added to `written`, for `storage_remove` if the
    transaction fails. Returns `name`."""
    from core.models import BerkasTertunda

    target = pending_name(name)
    saved = default_storage.save(target, ContentFile(content))
    written.append(saved)
    if saved != target:
        raise OSError(f"pending file {target} already existed")
    BerkasTertunda.objects.create(nama=name)
    transaction.on_commit(lambda: storage_publish(name), robust=True)
    return name


def _move(storage: Storage, source: str, target: str) -> None:
    """Give the file `source` the name `target`. Local storage renames (atomic); object
    storage (core.storage_s3) copies on the server and deletes the source; any other
    storage copies through Django's API. Never writes over an existing `target`."""
    if hasattr(storage, "move"):
        storage.move(source, target)
        return
    src, dst = _path(storage, source), _path(storage, target)
    if src is not None and dst is not None:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        os.replace(src, dst)  # atomic on one file system
        return
    with storage.open(source, "rb") as handle:
        saved = storage.save(target, File(handle))
    if saved != target:
        storage.delete(saved)
        raise OSError(f"{target} could not be written")
    storage.delete(source)


def storage_publish(name: str) -> bool:
    """Move a committed pending file to its final name and forget its `BerkasTertunda` row.
    Idempotent; True when this call moved it. Only for names whose row has committed."""
    from core.models import BerkasTertunda

    moved = False
    pending = pending_name(name)
    if default_storage.exists(pending):
        if default_storage.exists(name):
            default_storage.delete(pending)  # published by someone else meanwhile
        else:
            try:
                _move(default_storage, pending, name)
                moved = True
            except FileNotFoundError:
                pass  # a concurrent publisher moved it first
            except FileExistsError:
                # A concurrent publisher wrote the final name first: the pending copy is
                # the same bytes, no longer needed.
                default_storage.delete(pending)
    if not default_storage.exists(name):
        logger.error("stored file %s is neither pending nor published", name)
        return False
    BerkasTertunda.objects.filter(nama=name).delete()
    return moved


def storage_open(name: str, mode: str = "rb") -> File:
    """Open a stored file by the name its committed row records; a file whose publication
    has not happened yet is read from the pending area."""
    if not default_storage.exists(name) and default_storage.exists(pending_name(name)):
        return default_storage.open(pending_name(name), mode)
    return default_storage.open(name, mode)


def storage_read(name: str) -> bytes:
    with storage_open(name) as handle:
        return handle.read()


def storage_located(name: str) -> str | None:
    """The name the bytes are stored under now (final or pending), None when missing."""
    if default_storage.exists(name):
        return name
    if default_storage.exists(pending_name(name)):
        return pending_name(name)
    return None


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        yield f"{folder}/{file}"
    for sub in dirs:
        yield from _walk(storage, f"{folder}/{sub}")


def storage_sweep(*, max_age_minutes: int | None = None, now: dt.datetime | None = None) -> dict:
    """Publish committed pending files whose move did not happen; delete pending files of
    transactions that never committed (older than the grace period). Returns counts."""
    from core.models import BerkasTertunda

    if max_age_minutes is None:
        max_age_minutes = settings.NASKAH_STORAGE_PENDING_MAX_AGE_MINUTES
    now = now or timezone.now()
    counts = {"published": 0, "deleted": 0, "waiting": 0}
    for name in BerkasTertunda.objects.values_list("nama", flat=True):
        if storage_publish(name):
            counts["published"] += 1
    for pending in _walk(default_storage, PENDING_PREFIX.rstrip("/")):
        name = pending[len(PENDING_PREFIX) :]
        if BerkasTertunda.objects.filter(nama=name).exists():
            # Committed after the first pass started.
            counts["published"] += int(storage_publish(name))
            continue
        try:
            written = default_storage.get_modified_time(pending)
        except FileNotFoundError:
            continue  # published meanwhile
        if now - written < dt.timedelta(minutes=max_age_minutes):
            counts["waiting"] += 1
            continue
        # Check once more right before deleting: the transaction may just have committed.
        if BerkasTertunda.objects.filter(nama=name).exists():
            counts["published"] += int(storage_publish(name))
            continue
        default_storage.delete(pending)
        counts["deleted"] += 1
        logger.warning("removed %s: its transaction never committed", pending)
    return counts


def storage_delete(name: str) -> None:
    """Delete a stored file for good (e.g. archive destruction), wherever it lies, and
    forget a pending publication of it."""
    from core.models import BerkasTertunda

    for candidate in (name, pending_name(name)):
        if default_storage.exists(candidate):
            default_storage.delete(candidate)
    BerkasTertunda.objects.filter(nama=name).delete()


def storage_remove(names: list[str], *, after: str) -> None:
    """Delete files a rolled-back action wrote (`after` names the action, for the log).
    A file that cannot be deleted is logged and left: the action's error is what the
    user must see, not this one."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not remove %s after %s", name, after)
