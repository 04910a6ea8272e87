"""Sign-in pages besides Django's own: the lockout answer, the second-factor step and the
person's second-factor page (docs/security.md, "Sign-in"). Thin: the rules are in
core.second_factor and core.services.second_factor."""

from __future__ import annotations

import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LogoutView
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from core.second_factor import (
    has_second_factor,
    second_factor_required,
    session_passed_second_factor,
)
from core.selectors.second_factor import recovery_codes_left
from core.services import second_factor as second_factor_services
from core.services.second_factor import (
    recovery_codes_generate,
    totp_device_begin,
    totp_device_confirm,
    totp_secret_base32,
)


def signin_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer while an account or an address is locked out: the sign-in page
    with the reason, HTTP 429. The right password is refused the same way."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "locked_out": True, "lockout_minutes": minutes, "next": "/"}
    return render(request, "registration/login.html", context, status=429)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _qr_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI (reportlab draws it; no extra dependency)."""
    from reportlab.graphics import renderSVG
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(text, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = 200
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    svg = renderSVG.drawToString(drawing)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@never_cache
@sensitive_post_parameters("token")
@login_required
def second_factor_verify(request):
    """After the password (or any other sign-in): a code from the app, a recovery code or a
    passkey."""
    if session_passed_second_factor(request) or not has_second_factor(request.user):
        return redirect(_next_url(request))
    error = ""
    if request.method == "POST":
        device = second_factor_services.second_factor_verify(
            user=request.user, token=request.POST.get("token", "")
        )
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        error = _("That code is not right, or it was used already. Try again.")
    has_passkey = WebAuthnCredential.objects.filter(user=request.user, confirmed=True).exists()
    return render(
        request,
        "registration/second_factor_verify.html",
        {"error": error, "next": _next_url(request), "has_passkey": has_passkey},
        status=400 if error else 200,
    )


@never_cache
@sensitive_post_parameters("token")
@login_required
def second_factor(request):
    """The person's second factor: add an authenticator app, register a passkey, make new
    recovery codes. Required roles land here until they have one."""
    user = request.user
    verified = session_passed_second_factor(request)
    # Changing devices needs this session verified, unless the person has none yet (first
    # enrolment right after the password).
    may_change = verified or not has_second_factor(user)
    context = {
        "required": second_factor_required(user),
        "verified": verified,
        "may_change": may_change,
        "totp_devices": TOTPDevice.objects.filter(user=user, confirmed=True),
        "passkeys": WebAuthnCredential.objects.filter(user=user, confirmed=True),
        "recovery_left": recovery_codes_left(user),
        "next": _next_url(request),
    }
    if request.method == "POST" and may_change:
        action = request.POST.get("action")
        if action == "totp_begin":
            device = totp_device_begin(user=user)
            context.update(_pending_totp(device))
        elif action == "totp_confirm":
            device = TOTPDevice.objects.filter(
                user=user, confirmed=False, pk=request.POST.get("device") or 0
            ).first()
            if device is not None and totp_device_confirm(
                user=user, device=device, token=request.POST.get("token", "")
            ):
                if not verified:
                    otp_login(request, device)
                messages.success(request, _("The authenticator app is set up."))
                if not recovery_codes_left(user):
                    context["recovery_codes"] = recovery_codes_generate(user=user)
                    return render(request, "core/second_factor.html", _refresh(context, user))
                return redirect("second_factor")
            if device is not None:
                context.update(_pending_totp(device))
            context["error"] = _("That code is not right. Enter the code your app shows now.")
        elif action == "recovery" and verified:
            context["recovery_codes"] = recovery_codes_generate(user=user)
            return render(request, "core/second_factor.html", _refresh(context, user))
    return render(request, "core/second_factor.html", context)


def _pending_totp(device: TOTPDevice) -> dict:
    return {
        "pending": device,
        "pending_secret": totp_secret_base32(device),
        "pending_qr": _qr_data_uri(device.config_url),
    }


def _refresh(context: dict, user) -> dict:
    context["recovery_left"] = recovery_codes_left(user)
    context["totp_devices"] = TOTPDevice.objects.filter(user=user, confirmed=True)
    context["verified"] = True
    return context


class SignOutView(LogoutView):
    """Django's sign-out, which then says so on the sign-in page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have signed out."))
        return response
