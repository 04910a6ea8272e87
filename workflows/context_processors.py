"""Navigation counters for templates: add "workflows.context_processors.workflows_nav" to
TEMPLATES' context processors to get `workflows_nav` = {perlu_tindakan, dalam_proses,
notifikasi} for signed-in users."""

from __future__ import annotations

from workflows.selectors import inbox_counts


def workflows_nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"workflows_nav": inbox_counts(user)}
