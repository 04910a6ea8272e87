"""TTE pages: the signer's own passphrase and certificate, and the administrators' list
of certificates with the revoke action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import ApplicationError
from signing import services
from signing.backends import backend_issues_certificates
from signing.forms import EnrolForm, PassphraseChangeForm, RejectRequestForm, RevokeForm
from signing.models import SignerCertificate
from signing.permissions import can_decide_certificate_request, can_manage_certificates
from signing.selectors import (
    certificate_get_for_admin,
    certificate_list_for_admin,
    certificate_list_for_signer,
    certificate_request_get_for_officer,
    certificate_request_latest,
    certificate_request_queue,
    signer_status,
)
from signing.services import (
    certificate_request_approve,
    certificate_request_reject,
    certificate_request_submit,
    signer_passphrase_change,
)

PASSPHRASE_FIELDS = (
    "passphrase",
    "passphrase2",
    "old_passphrase",
    "new_passphrase",
    "new_passphrase2",
)


def safe_next(request) -> str:
    """The `next` address (GET or POST) if it is a path on this site, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _settings_page(request, *, enrol_form=None, change_form=None, status_code=200):
    from signing.renewal import renewal_due

    status = signer_status(signer=request.user)
    local = backend_issues_certificates()
    has_active = local and SignerCertificate.objects.for_signer(request.user).active().exists()
    latest = certificate_request_latest(signer=request.user) if local else None
    pending = latest is not None and latest.status == latest.Status.DIAJUKAN
    renewal = local and renewal_due(
        SignerCertificate.objects.for_signer(request.user).active().first()
    )
    context = {
        "status": status,
        "local_backend": local,
        "certificates": certificate_list_for_signer(signer=request.user) if local else [],
        "latest_request": latest,
        "pending_request": pending,
        "next": safe_next(request),
        "can_decide": can_decide_certificate_request(request.user),
        "show_enrol": local and (not status.ready or renewal) and not pending,
        "renewal_due": renewal,
        "show_change": local and has_active and status.ready,
        "enrol_form": enrol_form or EnrolForm(),
        "change_form": change_form or PassphraseChangeForm(),
        "can_manage": can_manage_certificates(request.user),
    }
    return render(request, "signing/settings.html", context, status=status_code)


@login_required
@require_http_methods(["GET"])
def signing_settings(request):
    return _settings_page(request)


@sensitive_post_parameters(*PASSPHRASE_FIELDS)
@login_required
@require_POST
def enrol(request):
    form = EnrolForm(request.POST)
    if form.is_valid():
        try:
            certificate_request_submit(
                signer=request.user, passphrase=form.cleaned_data["passphrase"]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Your certificate request was sent. A registration officer checks your "
                    "identity (NIP and position) and approves it; then you can sign with "
                    "this passphrase."
                ),
            )
            return redirect(safe_next(request) or "signing:settings")
    return _settings_page(request, enrol_form=form, status_code=400)


@sensitive_post_parameters(*PASSPHRASE_FIELDS)
@login_required
@require_POST
def passphrase_change(request):
    form = PassphraseChangeForm(request.POST)
    if form.is_valid():
        try:
            signer_passphrase_change(
                signer=request.user,
                old_passphrase=form.cleaned_data["old_passphrase"],
                new_passphrase=form.cleaned_data["new_passphrase"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your signing passphrase was changed."))
            return redirect("signing:settings")
    return _settings_page(request, change_form=form, status_code=400)


@login_required
@require_http_methods(["GET"])
def certificate_list(request):
    if not can_manage_certificates(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()
    rows = certificate_list_for_admin(user=request.user, status=status, query=query)
    return render(
        request,
        "signing/certificate_list.html",
        {
            "certificates": rows[:500],
            "status": status,
            "q": query,
            "statuses": SignerCertificate.Status.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke(request, pk: int):
    row = certificate_get_for_admin(user=request.user, pk=pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                certificate=row,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                reason_code=form.cleaned_data["reason_code"]
                or SignerCertificate.RevocationReason.UNSPECIFIED,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The certificate of %(name)s was revoked.") % {"name": row.pegawai},
            )
            return redirect("signing:certificate_list")
    return render(
        request,
        "signing/certificate_revoke.html",
        {"certificate": row, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET"])
def request_queue(request):
    """The registration officer's queue of certificate requests to check and decide."""
    if not can_decide_certificate_request(request.user):
        raise PermissionDenied
    return render(
        request,
        "signing/request_queue.html",
        {"rows": certificate_request_queue(officer=request.user), "form": RejectRequestForm()},
    )


@login_required
@require_POST
def request_approve(request, pk: int):
    row = certificate_request_get_for_officer(officer=request.user, pk=pk)
    try:
        cert = certificate_request_approve(request=row, officer=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The certificate of %(name)s was issued (serial %(serial)s).")
            % {"name": row.pegawai, "serial": cert.serial_hex},
        )
    return redirect(reverse("signing:request_queue"))


@login_required
@require_POST
def request_reject(request, pk: int):
    row = certificate_request_get_for_officer(officer=request.user, pk=pk)
    form = RejectRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the rejection."))
        return redirect(reverse("signing:request_queue"))
    try:
        certificate_request_reject(
            request=row, officer=request.user, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The request of %(name)s was rejected.") % {"name": row.pegawai}
        )
    return redirect(reverse("signing:request_queue"))
