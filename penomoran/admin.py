"""Administration: books are created and edited through the services (validated and
audited); counters and issued numbers are read-only here — numbers change only through
the numbering services."""

from __future__ import annotations

from django.contrib import admin

from penomoran.models import BukuNomor, BukuNomorTahun, Nomor
from penomoran.services import bukunomor_create, bukunomor_update


class BukuNomorTahunInline(admin.TabularInline):
    model = BukuNomorTahun
    extra = 0
    fields = ("tahun", "terakhir")
    readonly_fields = ("tahun", "terakhir")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BukuNomor)
class BukuNomorAdmin(admin.ModelAdmin):
    list_display = ("nama", "unit", "jenis", "format", "lebar_nomor", "aktif")
    list_filter = ("aktif", "jenis")
    list_select_related = ("unit",)
    search_fields = ("nama", "jenis", "unit__nama", "unit__kode")
    autocomplete_fields = ("unit",)
    fields = ("unit", "jenis", "nama", "format", "lebar_nomor", "kode_unit", "aktif")
    inlines = [BukuNomorTahunInline]

    def get_readonly_fields(self, request, obj=None):
        # A book's scope is fixed once it exists: its numbers belong to that unit and family.
        return ("unit", "jenis") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            editable = {"nama", "format", "lebar_nomor", "kode_unit", "aktif"}
            changes = {
                name: form.cleaned_data[name] for name in form.changed_data if name in editable
            }
            if changes:
                bukunomor_update(buku=obj, actor=request.user, **changes)
            return
        created = bukunomor_create(
            unit=obj.unit,
            jenis=obj.jenis,
            nama=obj.nama,
            format=obj.format,
            lebar_nomor=obj.lebar_nomor,
            kode_unit=obj.kode_unit,
            aktif=obj.aktif,
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False


@admin.register(Nomor)
class NomorAdmin(admin.ModelAdmin):
    list_display = (
        "teks",
        "buku",
        "tahun",
        "urut",
        "status",
        "tanggal",
        "object_type",
        "object_id",
    )
    list_filter = ("status", "tahun", "cadangan")
    list_select_related = ("buku",)
    search_fields = ("teks", "object_id")
    date_hierarchy = "tanggal"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
