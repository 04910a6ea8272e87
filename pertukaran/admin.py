"""Administration of peer instances (through the audited service pertukaran.services.
mitra_save; our secret at the peer is write-only) and the list of deliveries to peers with
"retry" for failed ones. Letters are shown by number only: administrators are not readers
(DESIGN invariant 12)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from pertukaran.models import InstansiMitra, PenerimaanMitra, PengirimanMitra
from pertukaran.services import mitra_save, pengiriman_retry


class InstansiMitraForm(forms.ModelForm):
    url_dasar = forms.URLField(
        label=_("base URL"), max_length=300, required=False, assume_scheme="https"
    )
    secret_mitra = forms.CharField(
        label=_("our client secret at the peer"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored secret."),
    )

    class Meta:
        model = InstansiMitra
        fields = [
            "nama",
            "kode",
            "url_dasar",
            "client_id_mitra",
            "secret_mitra",
            "client",
            "jangkar_kepercayaan",
            "alamat_surel",
            "aktif",
        ]


@admin.register(InstansiMitra)
class InstansiMitraAdmin(admin.ModelAdmin):
    form = InstansiMitraForm
    list_display = ["nama", "kode", "url_dasar", "client", "aktif"]
    list_filter = ["aktif"]
    search_fields = ["nama", "kode"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            saved = mitra_save(
                actor=request.user,
                mitra=InstansiMitra.objects.get(pk=obj.pk) if change else None,
                nama=data["nama"],
                kode=data["kode"],
                url_dasar=data.get("url_dasar") or "",
                client_id_mitra=data.get("client_id_mitra") or "",
                secret_mitra=data.get("secret_mitra") or None,
                jangkar_kepercayaan=data.get("jangkar_kepercayaan") or "",
                alamat_surel=data.get("alamat_surel") or "",
                client=data.get("client"),
                aktif=data.get("aktif", True),
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: deliveries and receipts refer to it


@admin.register(PengirimanMitra)
class PengirimanMitraAdmin(admin.ModelAdmin):
    """Deliveries to peers: their attempts, last error and receipt; failed ones retried."""

    list_display = [
        "nomor_naskah",
        "mitra",
        "status",
        "percobaan",
        "kesalahan",
        "coba_lagi_pada",
        "diterima_pada",
        "nomor_agenda",
    ]
    list_filter = ["status", "mitra"]
    fields = [
        "nomor_naskah",
        "mitra",
        "label",
        "status",
        "percobaan",
        "kesalahan",
        "coba_lagi_pada",
        "diterima_pada",
        "nomor_agenda",
        "tanda_terima",
        "tanda_terima_sah",
    ]
    readonly_fields = fields
    actions = ["retry"]

    @admin.display(description=_("letter number"))
    def nomor_naskah(self, obj):
        return obj.naskah.nomor

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("naskah", "mitra")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the failed deliveries"))
    def retry(self, request, queryset):
        done = 0
        for row in queryset.filter(status=PengirimanMitra.Status.GAGAL):
            try:
                pengiriman_retry(actor=request.user, pengiriman=row)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        self.message_user(request, _("%(n)d deliveries queued again.") % {"n": done})


@admin.register(PenerimaanMitra)
class PenerimaanMitraAdmin(admin.ModelAdmin):
    list_display = ["pengirim_kode", "nomor_surat", "cara", "diterima_pada"]
    list_filter = ["cara", "mitra"]
    fields = ["mitra", "pengirim_kode", "nomor_surat", "uid", "sha256", "cara", "diterima_pada"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
