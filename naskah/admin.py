from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from naskah.models import JenisNaskah, Lampiran, Naskah, NaskahRevisi, Penerima, TataNaskahDefault


@admin.register(TataNaskahDefault)
class TataNaskahDefaultAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not TataNaskahDefault.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JenisNaskah)
class JenisNaskahAdmin(admin.ModelAdmin):
    list_display = ["nama", "kode", "kelompok", "subkelompok", "lingkup", "layout_kind", "aktif"]
    list_filter = ["kelompok", "layout_kind", "aktif"]
    search_fields = ["nama", "kode"]
    filter_horizontal = ["penandatangan_jabatan"]
    autocomplete_fields = ["kode_klasifikasi_default"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PenerimaInline(ReadOnlyInline):
    model = Penerima
    fields = ["jenis", "urutan", "label", "keterangan"]


class RevisiInline(ReadOnlyInline):
    model = NaskahRevisi
    fields = ["nomor", "dibuat_oleh", "dibuat_pada", "catatan"]


@admin.register(Naskah)
class NaskahAdmin(admin.ModelAdmin):
    """Read-only: letters change only through the drafting services."""

    list_display = ["hal", "jenis", "unit", "konseptor", "status", "revisi_terakhir", "updated_at"]
    list_filter = ["status", "jenis"]
    search_fields = ["hal", "nomor"]
    inlines = [PenerimaInline, RevisiInline]

    def get_queryset(self, request):
        # Drafts stay private to their konseptor, administrators included.
        return (
            super()
            .get_queryset(request)
            .filter(~Q(status=Naskah.Status.KONSEP) | Q(konseptor=request.user))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lampiran)
class LampiranAdmin(admin.ModelAdmin):
    list_display = ["judul", "naskah", "jenis", "jumlah_halaman", "ukuran", "dihapus"]
    # The file as its stored name, not a /media/ link (files are sent only by the
    # permission-checked drafting view; docs/security.md).
    exclude = ["body", "berkas"]
    readonly_fields = ["berkas_tersimpan"]

    @admin.display(description=_("stored file"))
    def berkas_tersimpan(self, obj) -> str:
        return obj.berkas.name

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(~Q(naskah__status=Naskah.Status.KONSEP) | Q(naskah__konseptor=request.user))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Signing flow (issue 5).
from naskah import admin_tte  # noqa: E402, F401
