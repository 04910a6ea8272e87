"""Home page sections of the approval workflow: steps waiting for this person's initial
(paraf) or signature. Registered under core.hooks.HOME_SECTIONS (apps.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from core.clock import office_today
from core.worklist import WorkItem, WorkSection, first_rows
from workflows.selectors import inbox_action
from workflows.step_kinds import worklist_kinds


def _item(state) -> WorkItem:
    route = state.route
    return WorkItem(
        title=route.title,
        url=route.link or reverse("workflows:route_detail", args=[route.pk]),
        meta=route.unit.nama if route.unit_id else "",
        deadline=state.due_at,
    )


def home_sections(user) -> list[WorkSection]:
    day = office_today()
    waiting = inbox_action(user, day=day).select_related(None).select_related("route__unit")
    inbox = reverse("workflows:inbox") + "?tab=tindakan"
    sections = []
    for key, title, kinds, order in (
        ("sign", _("Letters to sign"), worklist_kinds("sign"), 10),
        ("paraf", _("Letters to initial (paraf)"), worklist_kinds("paraf"), 20),
    ):
        count, rows = first_rows(waiting.filter(kind__in=kinds))
        sections.append(
            WorkSection(
                key=key,
                title=title,
                count=count,
                items=[_item(s) for s in rows],
                all_url=inbox,
                order=order,
                group=_("Outgoing letters"),
            )
        )
    return sections
