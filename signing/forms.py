"""Forms of the TTE pages. Passphrase widgets never render their value back."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from signing.models import SignerCertificate


def _passphrase_field(label, autocomplete="new-password"):
    return forms.CharField(
        label=label,
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(
            render_value=False, attrs={"autocomplete": autocomplete, "class": "form-control"}
        ),
    )


class EnrolForm(forms.Form):
    passphrase = _passphrase_field(_("Signing passphrase"))
    passphrase2 = _passphrase_field(_("Signing passphrase (again)"))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("passphrase") and data.get("passphrase") != data.get("passphrase2"):
            self.add_error("passphrase2", _("The two passphrases differ."))
        return data


class PassphraseChangeForm(forms.Form):
    old_passphrase = _passphrase_field(_("Current signing passphrase"), "current-password")
    new_passphrase = _passphrase_field(_("New signing passphrase"))
    new_passphrase2 = _passphrase_field(_("New signing passphrase (again)"))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("new_passphrase") and data.get("new_passphrase") != data.get("new_passphrase2"):
            self.add_error("new_passphrase2", _("The two passphrases differ."))
        return data


class RevokeForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Reason code (published in the CRL and OCSP)"),
        choices=SignerCertificate.RevocationReason.choices,
        initial=SignerCertificate.RevocationReason.UNSPECIFIED,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(
        label=_("Reason for revocation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class RejectRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        max_length=1000,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
