"""Sign-in, sign-out and failed sign-in are audit events too (Django's auth views send these
signals; they are the only integration point for them)."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.events import AUTH_LOCKED_OUT, AUTH_LOGIN, AUTH_LOGIN_FAILED, AUTH_LOGOUT
from core.services.audit import audit_record


@receiver(user_logged_in, dispatch_uid="naskah_audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(actor=user, action=AUTH_LOGIN, obj=user)


@receiver(user_logged_out, dispatch_uid="naskah_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AUTH_LOGOUT, obj=user)


@receiver(user_login_failed, dispatch_uid="naskah_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the username is kept: the password is never recorded.
    audit_record(
        actor=None,
        action=AUTH_LOGIN_FAILED,
        details={"username": str(credentials.get("username", ""))[:150]},
    )


@receiver(user_locked_out, dispatch_uid="naskah_audit_locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    # django-axes locked the account or the address (too many failed sign-ins).
    audit_record(
        actor=None,
        action=AUTH_LOCKED_OUT,
        details={"username": str(username or "")[:150], "ip_address": ip_address or ""},
    )
