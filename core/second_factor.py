"""Who must pass a second factor, and whether a session has (docs/security.md, "Sign-in").

The rule belongs to the signed-in session, not to the password form: whatever backend
signed the person in (password, OIDC, another), ``SecondFactorMiddleware`` sends a session
that has not passed the second factor to the verification step (the person has a device)
or to enrolment (they must have one and have none) before any other page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django_otp import user_has_device

from core import hooks

if TYPE_CHECKING:
    from core.models import Pegawai


def second_factor_required(user: Pegawai) -> bool:
    """Administrators, registration officers (NASKAH_SECOND_FACTOR_GROUPS) and whoever an app
    says must (signers: the signing app). Everyone else may enrol, but need not."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    groups = settings.NASKAH_SECOND_FACTOR_GROUPS
    if groups and user.groups.filter(name__in=groups).exists():
        return True
    return hooks.any_true(hooks.SECOND_FACTOR_REQUIRED, user)


def has_second_factor(user: Pegawai) -> bool:
    """The person has at least one confirmed device (TOTP, passkey or recovery codes)."""
    return user.is_authenticated and user_has_device(user, confirmed=True)


def session_passed_second_factor(request) -> bool:
    """django_otp's OTPMiddleware marks the user verified once a device matched in this
    session."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_verified())


def second_factor_pending(request) -> str | None:
    """None when the session may go on; "verify" when the person must enter a code from a
    device they have; "enrol" when they must first set one up."""
    if session_passed_second_factor(request):
        return None
    user = request.user
    if has_second_factor(user):
        return "verify"
    if second_factor_required(user):
        return "enrol"
    return None
