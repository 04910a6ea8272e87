"""Admin for the numbering series per letter family (issue 13)."""

from django.contrib import admin

from naskah.models import SeriNomor


@admin.register(SeriNomor)
class SeriNomorAdmin(admin.ModelAdmin):
    list_display = ["jenis", "seri", "unit_penomoran", "format", "hanya_kepala_daerah", "aktif"]
    list_filter = ["aktif"]
    raw_id_fields = ["unit_penomoran"]
