"""Admin for the signing-flow data: numbering units, signing rules (editable), sealed
documents and deliveries (read-only records)."""

from django.contrib import admin

from naskah.models import (
    AturanTTE,
    Distribusi,
    DokumenTersegel,
    NaskahTTE,
    PertinggalTersegel,
    UnitPenomoran,
)


@admin.register(UnitPenomoran)
class UnitPenomoranAdmin(admin.ModelAdmin):
    list_display = ["unit", "unit_penomoran", "keterangan"]
    autocomplete_fields = []
    raw_id_fields = ["unit", "unit_penomoran"]


@admin.register(AturanTTE)
class AturanTTEAdmin(admin.ModelAdmin):
    list_display = ["jenis", "pelaksana_dilarang"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NaskahTTE)
class NaskahTTEAdmin(ReadOnlyAdmin):
    list_display = ["naskah", "nomor", "selesai", "dibuat_pada"]


@admin.register(DokumenTersegel)
class DokumenTersegelAdmin(ReadOnlyAdmin):
    list_display = ["tte", "urutan", "penandatangan", "signed_at", "sha256"]


@admin.register(PertinggalTersegel)
class PertinggalTersegelAdmin(ReadOnlyAdmin):
    list_display = ["tte", "urutan", "penandatangan", "signed_at", "jumlah_paraf", "sha256"]


@admin.register(Distribusi)
class DistribusiAdmin(ReadOnlyAdmin):
    list_display = ["naskah", "label", "saluran", "status", "dikirim_pada", "dibaca_pada"]
    list_filter = ["saluran", "status"]
