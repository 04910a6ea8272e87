"""Deadlines over the office calendar, reminders, escalation, idempotent tasks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_q.models import Schedule

from tests.workflows.conftest import active, start
from workflows.models import HariLibur, Notifikasi, RouteEvent, StepState
from workflows.office_calendar import OfficeCalendar, step_deadline
from workflows.services import deadlines_process, notifikasi_send_email
from workflows.tasks import deadlines_check_task, notifikasi_email_task

WIB = ZoneInfo("Asia/Jakarta")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WIB)


def deadline(start, urgency, holidays=()):
    return step_deadline(start, urgency, calendar=OfficeCalendar(start.date(), holidays=holidays))


# 2026-11-23 is a Monday.
def test_biasa_is_five_working_days_same_time():
    assert deadline(at(2026, 11, 23, 10, 0), "biasa") == at(2026, 11, 30, 10, 0)


def test_biasa_skips_a_holiday():
    holiday = [dt.date(2026, 11, 25)]
    assert deadline(at(2026, 11, 23, 10, 0), "biasa", holiday) == at(2026, 12, 1, 10, 0)


def test_biasa_after_hours_starts_at_next_opening():
    # Friday 17:00 is after closing (16.30): counting starts Monday 07.30.
    assert deadline(at(2026, 11, 27, 17, 0), "biasa") == at(2026, 12, 7, 7, 30)
    # Saturday too.
    assert deadline(at(2026, 11, 28, 9, 0), "biasa") == at(2026, 12, 7, 7, 30)


def test_biasa_is_capped_at_that_days_closing_time():
    # Friday 16:20 (open until 16.30); five working days later is a Thursday, closing 16.00.
    holiday = [dt.date(2026, 12, 4)]
    assert deadline(at(2026, 11, 27, 16, 20), "biasa", holiday) == at(2026, 12, 7, 16, 0)


def test_amat_segera_is_24_clock_hours_moved_into_office_hours():
    assert deadline(at(2026, 11, 26, 10, 0), "amat_segera") == at(2026, 11, 27, 10, 0)
    # Friday 10:00 + 24 h = Saturday: the office reopens Monday 07.30.
    assert deadline(at(2026, 11, 27, 10, 0), "amat_segera") == at(2026, 11, 30, 7, 30)


def test_segera_lands_on_a_holiday_then_next_opening():
    holiday = [dt.date(2026, 11, 25)]
    assert deadline(at(2026, 11, 23, 9, 0), "segera", holiday) == at(2026, 11, 26, 7, 30)


def test_office_hours_and_sla_are_settings(settings):
    settings.NASKAH_JAM_KERJA = {d: ("08:00", "15:00") for d in range(6)}
    settings.NASKAH_SLA_JAM = {"amat_segera": 8, "segera": 48, "biasa": 72}
    # Saturday is now a working day; biasa = 3 working days.
    assert deadline(at(2026, 11, 26, 10, 0), "biasa") == at(2026, 11, 30, 10, 0)
    assert deadline(at(2026, 11, 26, 10, 0), "amat_segera") == at(2026, 11, 27, 8, 0)


def test_holidays_are_read_from_the_table(db):
    HariLibur.objects.create(tanggal=dt.date(2026, 11, 25), nama="Libur")
    assert step_deadline(at(2026, 11, 23, 10, 0), "biasa") == at(2026, 12, 1, 10, 0)
    assert HariLibur.objects.filter(tanggal=dt.date(2026, 8, 17)).exists()  # seeded


def test_activated_step_gets_deadline_and_reminder_time(demo):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        route = start(demo["penelaah"], "penelaah", "sekda", urgency="segera").route
    state = active(route)[0]
    assert state.due_at == at(2026, 11, 25, 10, 0)
    assert state.remind_at == at(2026, 11, 25, 10, 0) - dt.timedelta(hours=12)


# --- reminders and escalation -----------------------------------------------------------------


@pytest.fixture
def segera_route(demo):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        return start(demo["penelaah"], "penelaah", "sekda", urgency="segera").route


def test_reminder_once_before_the_deadline(demo, segera_route):
    assert deadlines_process(now=at(2026, 11, 24, 9, 0)) == {"reminded": 0, "escalated": 0}
    assert deadlines_process(now=at(2026, 11, 25, 9, 0)) == {"reminded": 1, "escalated": 0}
    assert deadlines_process(now=at(2026, 11, 25, 9, 30)) == {"reminded": 0, "escalated": 0}
    notices = Notifikasi.objects.filter(recipient=demo["kabagtu"], kind="reminder")
    assert [n.text for n in notices] == ["Due 25-11-2026 10:00: Undangan rapat koordinasi"]
    assert RouteEvent.objects.filter(route=segera_route, kind="reminder").count() == 1


def test_overdue_step_escalates_to_the_superior_without_reassigning(demo, segera_route):
    counts = deadlines_process(now=at(2026, 11, 25, 11, 0))
    assert counts["escalated"] == 1
    state = active(segera_route)[0]
    assert state.assignee == demo["kabagtu"] and not state.reassigned
    escalation = Notifikasi.objects.get(kind="escalation")
    assert escalation.recipient == demo["karoumum"]
    assert "Ratna Dewi Lestari" in escalation.text
    assert Notifikasi.objects.filter(recipient=demo["kabagtu"], kind="overdue").count() == 1
    event = RouteEvent.objects.get(route=segera_route, kind="escalated")
    assert event.data["notified"] == demo["karoumum"].pk


def test_deadline_task_run_twice_gives_the_same_result(demo, segera_route):
    with time_machine.travel(at(2026, 11, 26, 8, 0), tick=False):
        first = deadlines_check_task()
        snapshot = sorted(Notifikasi.objects.values_list("key", flat=True))
        second = deadlines_check_task()
    assert first == {"reminded": 0, "escalated": 1}
    assert second == {"reminded": 0, "escalated": 0}
    assert sorted(Notifikasi.objects.values_list("key", flat=True)) == snapshot
    assert StepState.objects.filter(escalated_at__isnull=False).count() == 1


def test_acted_steps_are_not_reminded(demo, segera_route):
    from workflows.services import step_approve

    with time_machine.travel(at(2026, 11, 23, 11, 0), tick=False):
        step_approve(step_state=active(segera_route)[0], actor=demo["kabagtu"], revision="r1")
    deadlines_process(now=at(2026, 11, 25, 11, 0))
    assert not Notifikasi.objects.filter(
        recipient=demo["kabagtu"], kind__in=["reminder", "overdue"]
    ).exists()


def test_email_is_sent_once(demo, segera_route):
    notice = Notifikasi.objects.get(recipient=demo["kabagtu"])
    assert notifikasi_email_task(notice.pk) is True
    assert notifikasi_email_task(notice.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kabagtu@demo.lampungprov.go.id"]
    assert f"/alur/{segera_route.pk}/" in mail.outbox[0].body


def test_notification_email_failure_is_recorded_retried_then_failed(
    demo, segera_route, settings, monkeypatch
):
    settings.TASK_MAX_ATTEMPTS = 2

    def refused(*args, **kwargs):
        raise OSError("connection refused by 10.0.0.7")

    monkeypatch.setattr("workflows.services.notifikasi.send_mail", refused)
    notice = Notifikasi.objects.get(recipient=demo["kabagtu"])
    assert notice.email_state == "menunggu"
    assert notifikasi_email_task(notice.pk) is False
    notice.refresh_from_db()
    assert notice.email_state == "menunggu" and notice.email_attempts == 1
    assert notice.email_next_try and "10.0.0.7" not in notice.email_error
    assert Schedule.objects.filter(func="workflows.tasks.notifikasi_email_task").count() == 1
    assert notifikasi_email_task(notice.pk) is False
    notice.refresh_from_db()
    assert notice.email_state == "gagal" and "2 of 2" in notice.email_error
    assert notice.emailed_at is None
    monkeypatch.undo()
    assert notifikasi_email_task(notice.pk) is False  # failed stays failed (admin list)
    assert mail.outbox == []
    # An administrator retries it from the admin list (audited).
    from core.models import AuditEvent
    from workflows.services import notifikasi_email_retry

    assert notifikasi_email_retry(notifikasi_ids=[notice.pk], actor=demo["kabagtu"]) == 1
    assert notifikasi_email_retry(notifikasi_ids=[notice.pk], actor=demo["kabagtu"]) == 0
    notice.refresh_from_db()
    assert (notice.email_state, notice.email_attempts, notice.email_error) == ("menunggu", 0, "")
    assert AuditEvent.objects.filter(action="workflows.notifikasi.email_retry").count() == 1
    assert notifikasi_email_task(notice.pk) is True and len(mail.outbox) == 1


def test_notification_email_is_enqueued_with_the_transaction(demo):
    from django.db import transaction
    from django_q.models import OrmQ

    # The queue row is written inside the notice's transaction (core.services.queue): a
    # rollback takes it away with the notice, so no worker ever sees it.
    with pytest.raises(RuntimeError), transaction.atomic():
        start(demo["penelaah"], "penelaah", "sekda")
        assert [q.func() for q in OrmQ.objects.all()] == ["workflows.tasks.notifikasi_email_task"]
        raise RuntimeError
    assert not OrmQ.objects.exists()
    assert not Notifikasi.objects.exists()

    start(demo["penelaah"], "penelaah", "sekda")
    notice = Notifikasi.objects.get()
    queued = OrmQ.objects.get()
    assert queued.func() == "workflows.tasks.notifikasi_email_task"
    assert tuple(queued.task["args"]) == (notice.pk,)
    assert notifikasi_email_task(*queued.task["args"]) is True
    assert [m.to for m in mail.outbox] == [["kabagtu@demo.lampungprov.go.id"]]
    assert notifikasi_send_email(notifikasi_id=notice.pk) is False


def test_schedule_setup_is_idempotent(db):
    call_command("workflows_setup_schedules")
    call_command("workflows_setup_schedules", "--minutes", "10")
    schedule = Schedule.objects.get(name="workflows.deadlines")
    assert Schedule.objects.filter(func="workflows.tasks.deadlines_check_task").count() == 1
    assert schedule.minutes == 10 and schedule.schedule_type == Schedule.MINUTES
