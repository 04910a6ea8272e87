"""The approval engine as data (after Wagtail's Workflow/Task/WorkflowState/TaskState).

A `Route` is one approval run for one routed object (any model, referenced by content type
and id) at a caller-supplied revision. It has ordered `Stage`s; a stage is one `Step` (paraf
hierarki, signature) or a parallel group (paraf koordinasi) completed by a quorum. Each time
a step is put in front of someone a `StepState` row records who it was sent to (resolved
from the position on that day, Plt/Plh included), who acted, in which capacity, when, the
note, and the exact revision approved. `RouteEvent` rows are the route's timeline.

The engine knows nothing about letters: the caller stores a title, urgency, security class
and unit on the route for inbox display and filtering.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.vocabulary import Urgensi


class StepKind(models.TextChoices):
    PARAF_HIERARKI = "paraf_hierarki", _("Initial (hierarchy)")
    PARAF_KOORDINASI = "paraf_koordinasi", _("Initial (coordination)")
    TANDATANGAN = "tandatangan", _("Signature")


class RouteQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Route.OPEN_STATUSES)

    def for_object(self, obj: models.Model):
        ct = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=ct, object_id=str(obj.pk))


class Route(models.Model):
    """One approval run of one object (Wagtail's WorkflowState)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        RETURNED = "returned", _("Returned to the drafter")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATUSES = (Status.IN_PROGRESS, Status.RETURNED)
    FINAL_STATUSES = (Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN)

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64)
    revision = models.CharField(
        _("current revision"), max_length=64, help_text=_("Identifier supplied by the caller.")
    )
    # What the inbox shows, supplied by the caller (no import of the caller's models).
    title = models.CharField(_("title"), max_length=255)
    object_label = models.CharField(_("object kind"), max_length=100, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=20, choices=Urgensi.choices, default=Urgensi.BIASA
    )
    security_class = models.CharField(_("security class"), max_length=30, blank=True)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("When set, notifications and e-mail never show the title."),
    )
    unit = models.ForeignKey(
        "core.UnitKerja",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    link = models.CharField(_("link"), max_length=500, blank=True)
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafter"),
        on_delete=models.PROTECT,
        related_name="routes_started",
    )
    drafter_jabatan = models.ForeignKey(
        "core.Jabatan",
        verbose_name=_("drafter's position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    current_stage = models.PositiveSmallIntegerField(_("current stage"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Incremented by every transition.")
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    status_since = models.DateTimeField(_("in this state since"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = RouteQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval route")
        verbose_name_plural = _("approval routes")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["drafter", "status", "started_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(status__in=["in_progress", "returned"]),
                name="workflows_one_open_route_per_object",
            )
        ]
        permissions = [("reassign_route_step", _("Can reassign a step of any route"))]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Stage(models.Model):
    """An ordered stage of a route: one step, or a parallel group completed by a quorum."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stages")
    index = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=StepKind.choices)
    quorum = models.PositiveSmallIntegerField(
        _("quorum"), null=True, blank=True, help_text=_("Approvals needed; empty means all.")
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["route", "index"]
        constraints = [
            models.UniqueConstraint(fields=["route", "index"], name="workflows_stage_order")
        ]

    def __str__(self) -> str:
        return f"{self.index + 1}. {self.get_kind_display()}"


class Step(models.Model):
    """A step addressed to a position (or to a work team's lead), never to a person."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="steps")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order in stage"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=StepKind.choices)
    jabatan = models.ForeignKey(
        "core.Jabatan",
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tim_kerja = models.ForeignKey(
        "core.TimKerja",
        verbose_name=_("work team (its lead acts)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    label = models.CharField(_("label"), max_length=255)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["route", "stage__index", "order"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(jabatan__isnull=False, tim_kerja__isnull=True)
                    | models.Q(jabatan__isnull=True, tim_kerja__isnull=False)
                ),
                name="workflows_step_one_addressee",
            )
        ]

    def __str__(self) -> str:
        return self.label


class StepState(models.Model):
    """One activation of a step (Wagtail's TaskState), tied to the revision it approves."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Waiting")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        REJECTED = "rejected", _("Rejected")
        SKIPPED = "skipped", _("Not needed (quorum reached)")
        CANCELLED = "cancelled", _("Cancelled")

    class Capacity(models.TextChoices):
        DEFINITIF = "definitif", _("Holder")
        PLT = "plt", _("Plt")
        PLH = "plh", _("Plh")
        PJ = "pj", _("Pj")
        KETUA_TIM = "ketua_tim", _("Team lead")
        REASSIGNED = "reassigned", _("Reassigned by an administrator")
        VACANT = "vacant", _("Vacant: nobody to act")

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="states")
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="step_states")
    stage_index = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=StepKind.choices)
    # Copied from the step so the inbox needs no join to find "my" work.
    jabatan = models.ForeignKey(
        "core.Jabatan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tim_kerja = models.ForeignKey(
        "core.TimKerja", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # Resolved when the step was activated.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee_capacity = models.CharField(max_length=20, choices=Capacity.choices)
    reassigned = models.BooleanField(default=False)
    revision = models.CharField(_("revision presented"), max_length=64)
    activated_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Filled when someone acts.
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acted_capacity = models.CharField(max_length=20, choices=Capacity.choices, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    approved_revision = models.CharField(max_length=64, blank=True)
    covers_revision = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("The revision this approval still vouches for; empty once superseded."),
    )

    class Meta:
        verbose_name = _("step state")
        verbose_name_plural = _("step states")
        ordering = ["route", "stage_index", "activated_at", "pk"]
        indexes = [
            models.Index(
                fields=["jabatan", "activated_at"],
                condition=models.Q(status="active"),
                name="workflows_active_by_jabatan",
            ),
            models.Index(
                fields=["assignee", "activated_at"],
                condition=models.Q(status="active"),
                name="workflows_active_by_assignee",
            ),
            models.Index(
                fields=["tim_kerja"],
                condition=models.Q(status="active"),
                name="workflows_active_by_team",
            ),
            models.Index(
                fields=["due_at"], condition=models.Q(status="active"), name="workflows_active_due"
            ),
            models.Index(
                fields=["remind_at"],
                condition=models.Q(status="active"),
                name="workflows_active_remind",
            ),
            models.Index(fields=["acted_by", "route"], name="workflows_acted_by"),
            models.Index(fields=["route", "stage_index"], name="workflows_state_route"),
        ]

    def __str__(self) -> str:
        return f"{self.step} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class RouteEvent(models.Model):
    """The route's timeline: every transition, comment, reminder and escalation."""

    class Kind(models.TextChoices):
        STARTED = "started", _("Started")
        ACTIVATED = "activated", _("Sent for action")
        APPROVED = "approved", _("Approved")
        CORRECTED = "corrected", _("Corrected and approved")
        RETURNED = "returned", _("Returned")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        REASSIGNED = "reassigned", _("Reassigned")
        COMMENT = "comment", _("Comment")
        REVISION_CHANGED = "revision_changed", _("Edited")
        SIGNATURE_REACHED = "signature_reached", _("Ready for signature")
        COMPLETED = "completed", _("Completed")
        VACANT = "vacant", _("Position vacant")
        REMINDER = "reminder", _("Reminder sent")
        ESCALATED = "escalated", _("Escalated")

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_capacity = models.CharField(max_length=20, blank=True)
    acting_for = models.ForeignKey(
        "core.Jabatan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step_state = models.ForeignKey(
        StepState, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    revision = models.CharField(max_length=64, blank=True)
    from_revision = models.CharField(max_length=64, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("route event")
        verbose_name_plural = _("route events")
        ordering = ["route", "created_at", "pk"]
        indexes = [models.Index(fields=["route", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.route}"


class HariLibur(models.Model):
    """A public holiday or collective leave day: no working hours count on it."""

    tanggal = models.DateField(_("date"), unique=True)
    nama = models.CharField(_("name"), max_length=200)
    cuti_bersama = models.BooleanField(_("collective leave (cuti bersama)"), default=False)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["tanggal"]

    def __str__(self) -> str:
        return f"{self.tanggal:%Y-%m-%d} {self.nama}"


class Notifikasi(models.Model):
    """An in-app notification. Its text never carries confidential content."""

    class EmailState(models.TextChoices):
        PENDING = "menunggu", _("Waiting")
        SENDING = "mengirim", _("Sending")
        SENT = "terkirim", _("Delivered")
        FAILED = "gagal", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifikasi",
    )
    kind = models.CharField(_("kind"), max_length=30)
    text = models.CharField(_("text"), max_length=500)
    # The English msgid and parameters the text was rendered from (workflows.notice_text):
    # shown in the viewer's language. Empty on rows stored before: their text is shown.
    text_msgid = models.CharField(max_length=300, blank=True, default="")
    text_params = models.JSONField(null=True, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    route = models.ForeignKey(
        Route, null=True, blank=True, on_delete=models.CASCADE, related_name="notifikasi"
    )
    key = models.CharField(
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Idempotency key: the same notice is never created twice."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # The e-mail attempt (core.services.attempts); "" when the notice has no e-mail.
    email_state = models.CharField(
        _("e-mail state"), max_length=10, choices=EmailState.choices, blank=True
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_token = models.CharField(max_length=32, blank=True, editable=False)
    email_lease = models.CharField(max_length=200, blank=True, editable=False)
    email_started_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(_("e-mail error"), max_length=500, blank=True)
    email_next_try = models.DateTimeField(_("next e-mail try"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text

    @property
    def display_text(self) -> str:
        """The text in the active language (the viewer's), else the stored text."""
        from workflows.notice_text import notice_display

        return notice_display(self.text_msgid, self.text_params, self.text)
