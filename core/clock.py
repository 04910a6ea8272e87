"""The office clock: the office's time zone (settings.TIME_ZONE, Asia/Jakarta for Lampung)
and today's date there. Numbering years, deadlines, letter dates and "today" on pages follow
the office, never UTC and never a reader's own zone (DESIGN invariant 1)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone


def office_zone() -> zoneinfo.ZoneInfo:
    return timezone.get_default_timezone()


def office_now() -> dt.datetime:
    """Now, as an aware datetime in the office's zone."""
    return timezone.localtime(timezone.now(), office_zone())


def office_today() -> dt.date:
    """The office's calendar date (at 18.00 UTC it is already tomorrow in Jakarta)."""
    return office_now().date()


def office_time(moment: dt.datetime) -> dt.datetime:
    """An aware moment as the office's wall clock shows it."""
    return timezone.localtime(moment, office_zone())


def office_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a calendar day in the office's zone, as aware datetimes."""
    zone = office_zone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end
