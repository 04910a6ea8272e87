"""Files in the default storage that a failed action wrote and no row refers to."""

from __future__ import annotations

import logging

from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)


def storage_remove(names: list[str], *, after: str) -> None:
    """Delete files a rolled-back action wrote (`after` names the action, for the log).
    A file that cannot be deleted is logged and left: the action's error is what the
    user must see, not this one."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not remove %s after %s", name, after)
