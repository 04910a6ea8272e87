"""Read-only admin listings. Certificates are issued and revoked through the services
(TTE pages), never edited here; the sealed keys are not shown at all."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from signing.models import (
    CaGeneration,
    CertificateAuthority,
    CertificateRequest,
    ParafCredential,
    SignerCertificate,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SignerCertificate)
class SignerCertificateAdmin(ReadOnlyAdmin):
    list_display = ("pegawai", "serial_hex", "status", "not_after", "renewal_state", "created_at")
    list_filter = ("status", "renewal_state")
    search_fields = ("pegawai__nama", "serial_hex")
    exclude = ("sealed_key",)


@admin.register(CertificateAuthority)
class CertificateAuthorityAdmin(ReadOnlyAdmin):
    list_display = ("subject", "generation", "key_backend", "serial_hex", "not_after", "created_at")
    exclude = ("sealed_key",)


@admin.register(CaGeneration)
class CaGenerationAdmin(ReadOnlyAdmin):
    """Retired CA generations (signing/ca_lifecycle.py): still trust anchors and CRL/OCSP
    signers for what they issued."""

    list_display = ("subject", "generation", "key_backend", "serial_hex", "retired_at")
    exclude = ("sealed_key", "ocsp_sealed_key", "crl_der")


@admin.register(CertificateRequest)
class CertificateRequestAdmin(ReadOnlyAdmin):
    """Requests are decided on /tte/permohonan/ by registration officers, not here."""

    list_display = ("pegawai", "status", "created_at", "diputuskan_oleh", "diputuskan_pada")
    list_filter = ("status",)
    search_fields = ("pegawai__nama", "pegawai__nip", "serial_hex")
    exclude = ("sealed_key", "public_key_pem")


@admin.register(ParafCredential)
class ParafCredentialAdmin(ReadOnlyAdmin):
    """Paraf certificates (docs/paraf.md); revoked on /tte/paraf/<id>/cabut/."""

    list_display = ("pegawai", "serial_hex", "status", "not_after", "created_at", "revoke")
    list_filter = ("status",)
    search_fields = ("pegawai__nama", "serial_hex")
    exclude = ("sealed_key",)

    @admin.display(description=_("Revoke"))
    def revoke(self, obj):
        if obj.status != ParafCredential.Status.ACTIVE:
            return "-"
        url = reverse("signing:paraf_credential_revoke", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Revoke"))
