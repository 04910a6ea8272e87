"""Fetch-and-authorize for letters: the one spelling every view uses.

``<entity>_get_for_user(*, user, pk)`` returns the row when the user may open it and
raises ``Http404`` otherwise, so a letter the user may not see is never confirmed to exist
(docs/architecture.md, "Fetch and authorize"). Who may see what is ``naskah.permissions``.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.models import Pegawai
from naskah.models import Naskah
from naskah.permissions import naskah_editable_by, naskah_internal_to, naskah_visible_to

# visible: the letter as sent (recipients too); internal: its internal history (route,
# revisions, drafts), 404 for someone who only received it; editable: the drafter's own
# draft or returned letter.
_SCOPES = {
    "visible": naskah_visible_to,
    "internal": naskah_internal_to,
    "editable": naskah_editable_by,
}


def naskah_get_for_user(
    *, user: Pegawai, pk: int, access: Literal["visible", "internal", "editable"] = "visible"
) -> Naskah:
    """The letter `pk` if `user` may open it for `access`; Http404 otherwise."""
    qs: QuerySet[Naskah] = _SCOPES[access](user)
    return get_object_or_404(qs.select_related("jenis", "penandatangan", "unit"), pk=pk)
