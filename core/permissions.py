"""Role rights that never come from being a superuser (DESIGN invariant 12).

Django's ModelBackend (and django-guardian) give a superuser every permission, so
`user.has_perm(...)` is the right check for administration (the admin site, reassigning a
step, approving an assignment) and the wrong one for any right that leads to reading a
letter: a role such as agendaris or arsiparis is held through a group or an explicit
grant, whoever the user is. Apps use `has_role_perm` for those.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Q

from core.models import Pegawai


def has_role_perm(user: Pegawai, perm: str) -> bool:
    """True when `perm` ("app_label.codename") is granted to the active user directly or
    through one of their groups; being a superuser or staff adds nothing."""
    if not user.is_authenticated or not user.is_active:
        return False
    cache = getattr(user, "_role_perm_cache", None)
    if cache is None:
        cache = {}
        user._role_perm_cache = cache  # type: ignore[attr-defined]  # per-request memo
    if perm not in cache:
        app_label, codename = perm.split(".", 1)
        cache[perm] = (
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            .filter(Q(user=user) | Q(group__user=user))
            .exists()
        )
    return cache[perm]
