"""The office calendar: working days, office hours, holidays, and step deadlines.

Defaults follow Pergub Lampung 44/2025 (five-day week; Mon–Thu 07.30–16.00, Fri 07.30–16.30
WIB). Everything is data or settings (DESIGN invariant 9):

- ``settings.NASKAH_JAM_KERJA``: {weekday (0 = Monday): ("HH:MM", "HH:MM")}; days not
  listed are not working days (None: DEFAULT_JAM_KERJA).
- ``settings.NASKAH_SLA_JAM``: hours per urgency, over the defaults of
  ``core.vocabulary.SLA_JAM`` ({"amat_segera": 24, "segera": 48, "biasa": 120}).
- ``settings.NASKAH_SLA_HARI_KERJA``: urgencies whose hours are read as working days of
  24 hours each (None: ["biasa"]: 120 h = 5 working days).
- holidays: the ``HariLibur`` table (editable in the admin).

Deadline rule (docs/workflows.md):

- working-day urgencies: the start is moved to the next opening time if it falls outside
  office hours; the deadline is the same time of day N working days later, but no later than
  that day's closing time;
- clock-hour urgencies (amat_segera, segera): start + N hours; if that falls outside office
  hours it moves to the next opening time (nobody can act at night or on a holiday).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from django.conf import settings

from core.clock import office_time
from core.vocabulary import SLA_HARI_KERJA, SLA_JAM

DEFAULT_JAM_KERJA = {
    0: ("07:30", "16:00"),
    1: ("07:30", "16:00"),
    2: ("07:30", "16:00"),
    3: ("07:30", "16:00"),
    4: ("07:30", "16:30"),
}
# How far ahead a holiday lookup reaches (a deadline never needs more).
_HORIZON_DAYS = 120


def _parse(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def office_hours() -> dict[int, tuple[dt.time, dt.time]]:
    raw = settings.NASKAH_JAM_KERJA or DEFAULT_JAM_KERJA
    return {int(day): (_parse(start), _parse(end)) for day, (start, end) in raw.items()}


def sla_hours(urgency: str) -> int:
    table = {**SLA_JAM, **settings.NASKAH_SLA_JAM}
    if urgency not in table:
        raise ValueError(f"No SLA is configured for urgency {urgency!r}.")
    return int(table[urgency])


def sla_in_working_days(urgency: str) -> bool:
    table = settings.NASKAH_SLA_HARI_KERJA
    return urgency in (SLA_HARI_KERJA if table is None else table)


class OfficeCalendar:
    """Working days between two dates, with the holidays loaded in one query."""

    def __init__(self, start: dt.date, *, holidays: Iterable[dt.date] | None = None):
        self.hours = office_hours()
        if holidays is None:
            from workflows.models import HariLibur

            holidays = HariLibur.objects.filter(
                tanggal__gte=start, tanggal__lte=start + dt.timedelta(days=_HORIZON_DAYS)
            ).values_list("tanggal", flat=True)
        self.holidays = set(holidays)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.hours and day not in self.holidays

    def opening(self, day: dt.date, tz) -> dt.datetime:
        return dt.datetime.combine(day, self.hours[day.weekday()][0], tzinfo=tz)

    def closing(self, day: dt.date, tz) -> dt.datetime:
        return dt.datetime.combine(day, self.hours[day.weekday()][1], tzinfo=tz)

    def next_working_day(self, day: dt.date) -> dt.date:
        day += dt.timedelta(days=1)
        for _ in range(_HORIZON_DAYS):
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError("No working day within the calendar horizon; check JAM_KERJA.")

    def in_office(self, moment: dt.datetime) -> dt.datetime:
        """The moment itself when the office is open, else the next opening time."""
        tz = moment.tzinfo
        day = moment.date()
        if self.is_working_day(day):
            if moment < self.opening(day, tz):
                return self.opening(day, tz)
            if moment <= self.closing(day, tz):
                return moment
        return self.opening(self.next_working_day(day), tz)


def step_deadline(start: dt.datetime, urgency: str, *, calendar: OfficeCalendar | None = None):
    """The deadline of a step activated at `start` (aware), in the office time zone."""
    local = office_time(start)
    cal = calendar or OfficeCalendar(local.date())
    hours = sla_hours(urgency)
    tz = local.tzinfo
    if sla_in_working_days(urgency):
        begin = cal.in_office(local)
        day = begin.date()
        for _ in range(max(1, math.ceil(hours / 24))):
            day = cal.next_working_day(day)
        due = dt.datetime.combine(day, begin.timetz())
        return min(due, cal.closing(day, tz))
    return cal.in_office(local + dt.timedelta(hours=hours))
