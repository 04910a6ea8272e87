from django.contrib import admin

from workflows.models import HariLibur, Notifikasi, Route, RouteEvent, Stage, StepState
from workflows.permissions import can_view_route


@admin.register(HariLibur)
class HariLiburAdmin(admin.ModelAdmin):
    list_display = ("tanggal", "nama", "cuti_bersama")
    list_filter = ("cuti_bersama",)
    search_fields = ("nama",)
    date_hierarchy = "tanggal"


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    can_delete = False
    readonly_fields = ("index", "kind", "quorum")


class StepStateInline(admin.TabularInline):
    model = StepState
    extra = 0
    can_delete = False
    fields = (
        "stage_index",
        "kind",
        "jabatan",
        "tim_kerja",
        "status",
        "assignee",
        "assignee_capacity",
        "acted_by",
        "acted_capacity",
        "acted_at",
        "approved_revision",
        "due_at",
    )
    readonly_fields = fields


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    """Read-only: routes change only through the services (and their audit events)."""

    list_display = ("title", "object_label", "status", "urgency", "drafter", "started_at")
    list_filter = ("status", "urgency")
    search_fields = ("title", "object_id")
    raw_id_fields = ("drafter", "drafter_jabatan", "unit")
    inlines = [StageInline, StepStateInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RouteEvent)
class RouteEventAdmin(admin.ModelAdmin):
    """An event's page (its note and data) opens only for someone who may see the route:
    administrators are not readers (DESIGN invariant 12)."""

    list_display = ("created_at", "kind", "route", "actor", "revision")
    list_filter = ("kind",)

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or can_view_route(request.user, obj.route)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notifikasi)
class NotifikasiAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "text", "read_at", "emailed_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient", "route")
