"""Admin for the signing-flow data: numbering units, signing rules (editable), sealed
documents and deliveries (read-only records)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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
    """Acting capacities a type forbids; saved through `aturantte_set` (audited)."""

    list_display = ["jenis", "pelaksana_dilarang"]

    def save_model(self, request, obj, form, change):
        from naskah.services.kewenangan import aturantte_set

        rule = aturantte_set(
            actor=request.user, jenis=obj.jenis, pelaksana_dilarang=obj.pelaksana_dilarang
        )
        obj.pk = rule.pk
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None):
        return False


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
    # The stored name, not a /media/ link: the sealed PDF is sent only by the
    # permission-checked letter view (docs/security.md).
    exclude = ["berkas"]
    readonly_fields = ["berkas_tersimpan"]

    @admin.display(description=_("stored file"))
    def berkas_tersimpan(self, obj) -> str:
        return obj.berkas.name


@admin.register(PertinggalTersegel)
class PertinggalTersegelAdmin(ReadOnlyAdmin):
    list_display = ["tte", "urutan", "penandatangan", "signed_at", "jumlah_paraf", "sha256"]


@admin.register(Distribusi)
class DistribusiAdmin(ReadOnlyAdmin):
    list_display = ["naskah", "label", "saluran", "status", "dikirim_pada", "dibaca_pada"]
    list_filter = ["saluran", "status"]
