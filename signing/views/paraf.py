"""Revoking an official's paraf certificate (docs/paraf.md): the same administrators and
form as signer certificates. Thin: the rule is in signing.paraf."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import ApplicationError
from signing import paraf
from signing.forms import RevokeForm
from signing.models import ParafCredential
from signing.permissions import can_revoke_certificate


@login_required
@require_http_methods(["GET", "POST"])
def paraf_credential_revoke(request, pk: int):
    if not can_revoke_certificate(request.user):
        raise PermissionDenied
    row = get_object_or_404(ParafCredential.objects.select_related("pegawai"), pk=pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            paraf.paraf_credential_revoke(
                credential=row,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                reason_code=form.cleaned_data["reason_code"] or "unspecified",
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The paraf certificate of %(name)s was revoked.") % {"name": row.pegawai},
            )
            return redirect("signing:certificate_list")
    return render(
        request,
        "signing/paraf_revoke.html",
        {"certificate": row, "form": form},
        status=400 if request.method == "POST" else 200,
    )
