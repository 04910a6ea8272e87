"""core.clock: the office's date follows the office's zone (settings.TIME_ZONE), not UTC,
around midnight UTC and around midnight in the office."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import override_settings
from django.utils import timezone

from core.clock import office_day_bounds, office_now, office_time, office_today, office_zone

UTC = dt.UTC


def test_the_office_zone_is_the_configured_one():
    assert str(office_zone()) == "Asia/Jakarta"
    with override_settings(TIME_ZONE="Asia/Jayapura"):
        assert str(office_zone()) == "Asia/Jayapura"


def test_before_midnight_utc_jakarta_is_already_on_the_next_day():
    # 17:30 UTC on 31 December is 00:30 WIB on 1 January: a new numbering year.
    with time_machine.travel(dt.datetime(2026, 12, 31, 17, 30, tzinfo=UTC), tick=False):
        assert timezone.now().date() == dt.date(2026, 12, 31)
        assert office_today() == dt.date(2027, 1, 1)
        assert office_now().hour == 0 and office_now().minute == 30


def test_just_before_midnight_in_the_office_it_is_still_today():
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, 59, tzinfo=UTC), tick=False):
        assert office_today() == dt.date(2026, 12, 31)


def test_after_midnight_utc_both_agree():
    with time_machine.travel(dt.datetime(2027, 1, 1, 0, 30, tzinfo=UTC), tick=False):
        assert office_today() == dt.date(2027, 1, 1)


def test_another_office_zone_moves_the_day_at_its_own_midnight():
    # 15:30 UTC is 00:30 WIT (UTC+9) in Jayapura but 22:30 WIB in Jakarta.
    with time_machine.travel(dt.datetime(2026, 12, 31, 15, 30, tzinfo=UTC), tick=False):
        assert office_today() == dt.date(2026, 12, 31)
        with override_settings(TIME_ZONE="Asia/Jayapura"):
            assert office_today() == dt.date(2027, 1, 1)


def test_a_reader_zone_does_not_move_the_office_day():
    moment = dt.datetime(2026, 12, 31, 17, 30, tzinfo=UTC)
    with time_machine.travel(moment, tick=False), timezone.override("UTC"):
        assert timezone.localdate() == dt.date(2026, 12, 31)
        assert office_today() == dt.date(2027, 1, 1)


def test_office_time_and_day_bounds():
    moment = dt.datetime(2026, 12, 31, 17, 30, tzinfo=UTC)
    wall_clock = dt.datetime(2027, 1, 1, 0, 30)  # noqa: DTZ001 - the office's wall clock
    assert office_time(moment).replace(tzinfo=None) == wall_clock
    start, end = office_day_bounds(dt.date(2027, 1, 1))
    assert start == dt.datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert end - start == dt.timedelta(days=1)
    assert start <= moment < end
