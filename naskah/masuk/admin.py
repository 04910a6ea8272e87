from django.contrib import admin

from naskah.masuk.models import InstruksiDisposisi


@admin.register(InstruksiDisposisi)
class InstruksiDisposisiAdmin(admin.ModelAdmin):
    list_display = ("nama", "kode", "urutan", "aktif")
    list_editable = ("urutan", "aktif")
    search_fields = ("nama", "kode")
