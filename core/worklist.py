"""The home page's "my work today": sections of work supplied by the apps that hold it.

Core never imports those apps; each registers a provider under ``hooks.HOME_SECTIONS``
in its ``AppConfig.ready()`` that returns ``WorkSection`` rows for one person. A provider
reads a count and the first ``HOME_LIMIT`` rows of each section (two queries), so the page
runs the same number of queries with five items or five hundred."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from core import hooks
from core.clock import office_today

# Rows shown per section; the "all N" link opens the full list.
HOME_LIMIT = 5


@dataclass(frozen=True)
class WorkItem:
    title: str
    url: str
    meta: str = ""
    deadline: dt.datetime | dt.date | None = None
    unread: bool = False

    @property
    def deadline_has_time(self) -> bool:
        return isinstance(self.deadline, dt.datetime)

    @property
    def overdue(self) -> bool:
        if self.deadline is None:
            return False
        if isinstance(self.deadline, dt.datetime):
            return self.deadline < timezone.now()
        return self.deadline < office_today()


@dataclass(frozen=True)
class WorkSection:
    key: str
    title: str
    count: int
    items: list[WorkItem]
    all_url: str
    # Small counters next to the title, e.g. [("3 unread", "info"), ("1 overdue", "danger")].
    badges: list[tuple[str, str]] = field(default_factory=list)
    # Lower first: what others wait for (sign, initial, dispose) before one's own drafts.
    order: int = 100
    group: str = ""

    @property
    def more(self) -> bool:
        return self.count > len(self.items)


def work_sections(user) -> list[WorkSection]:
    """The person's non-empty work sections, in order."""
    sections = [s for s in hooks.collect_flat(hooks.HOME_SECTIONS, user) if s.count]
    return sorted(sections, key=lambda s: (s.order, s.key))


def first_rows(queryset, limit: int = HOME_LIMIT) -> tuple[int, list]:
    """(count, first rows): two queries whatever the size of the list."""
    return queryset.count(), list(queryset[:limit])
