"""Inbox selectors and pages: content, order, filters, counters, constant query counts,
timeline, and who may see what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from core.clock import office_today
from tests.workflows.conftest import active, start, unit
from workflows.models import Route
from workflows.selectors import (
    InboxFilters,
    inbox_action,
    inbox_counts,
    objects_visible_through_routes,
    route_participants,
    route_timeline,
    routes_finished,
    routes_in_progress,
    routes_shared_with,
)
from workflows.services import route_withdraw, step_approve


def make_routes(demo, n, **kwargs):
    return [
        start(demo["penelaah"], "penelaah", "karo_umum", title=f"Surat {i}", **kwargs).route
        for i in range(n)
    ]


def count_queries(func) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def test_perlu_tindakan_lists_my_steps_earliest_deadline_first(demo):
    biasa = make_routes(demo, 1)[0]
    urgent = make_routes(demo, 1, urgency="amat_segera")[0]
    rows = list(inbox_action(demo["kabagtu"]))
    assert [r.route for r in rows] == [urgent, biasa]
    assert list(inbox_action(demo["karoumum"])) == []


def test_acting_official_sees_the_step_and_the_absent_holder_does_not(demo):
    route = start(demo["statistisi"], "statistisi", "kadis_kominfo").route
    assert [r.route for r in inbox_action(demo["kabidaptika"])] == [route]
    assert list(inbox_action(demo["kabidsandi"])) == []


def test_team_lead_sees_team_steps(demo):
    route = start(demo["stafaptika"], "staf_aptika", "kadis_kominfo").route
    assert [r.route for r in inbox_action(demo["prakommuda"])] == [route]


def test_filters(demo):
    make_routes(demo, 2)
    urgent = make_routes(demo, 1, urgency="segera", unit=unit("BIRO-UMUM"))[0]
    user = demo["kabagtu"]
    assert [r.route for r in inbox_action(user, filters=InboxFilters(urgency="segera"))] == [urgent]
    assert [r.route for r in inbox_action(user, filters=InboxFilters(unit_id=urgent.unit_id))] == [
        urgent
    ]
    assert (
        inbox_action(user, filters=InboxFilters(content_type_id=urgent.content_type_id)).count()
        == 3
    )
    tomorrow = office_today() + dt.timedelta(days=2)
    assert inbox_action(user, filters=InboxFilters(date_from=tomorrow)).count() == 0
    assert inbox_action(user, filters=InboxFilters(date_to=tomorrow)).count() == 3


def test_dalam_proses_shows_where_each_route_waits_and_selesai_the_finished(demo):
    first, second = make_routes(demo, 2)
    step_approve(step_state=active(first)[0], actor=demo["kabagtu"], revision="r1")
    route_withdraw(route=second, actor=demo["penelaah"])
    rows = list(routes_in_progress(demo["penelaah"]))
    assert rows == [first]
    assert [s.assignee for s in rows[0].waiting] == [demo["karoumum"]]
    assert list(routes_finished(demo["penelaah"])) == [second]
    assert list(routes_finished(demo["kabagtu"])) == []
    assert list(routes_in_progress(demo["kabagtu"])) == []


def test_counters(demo):
    make_routes(demo, 3)
    assert inbox_counts(demo["kabagtu"]) == {
        "perlu_tindakan": 3,
        "dalam_proses": 0,
        "notifikasi": 3,
    }
    assert inbox_counts(demo["penelaah"]) == {
        "perlu_tindakan": 0,
        "dalam_proses": 3,
        "notifikasi": 0,
    }


@pytest.mark.parametrize(
    ("selector", "username"),
    [(inbox_action, "kabagtu"), (routes_in_progress, "penelaah"), (routes_finished, "penelaah")],
)
def test_inbox_selectors_run_a_constant_number_of_queries(demo, selector, username):
    user = demo[username]

    def run():
        rows = list(selector(user))
        for row in rows:  # touch everything the page shows
            route = getattr(row, "route", row)
            str(route.title), str(route.unit), route.object_label, route.get_urgency_display()
            for waiting in getattr(row, "waiting", []):
                str(waiting.assignee), str(waiting.step.label)
        return rows

    routes = make_routes(demo, 5, unit=unit("BIRO-UMUM"))
    if selector is routes_finished:
        for route in routes:
            route_withdraw(route=route, actor=demo["penelaah"])
    few = count_queries(run)
    routes = make_routes(demo, 45, unit=unit("BIRO-UMUM"))
    if selector is routes_finished:
        for route in routes:
            route_withdraw(route=route, actor=demo["penelaah"])
    assert len(run()) == 50
    assert count_queries(run) == few


@pytest.mark.parametrize("tab", ["tindakan", "proses", "selesai"])
def test_inbox_page_runs_a_constant_number_of_queries(demo, client, django_assert_num_queries, tab):
    username = "kabagtu" if tab == "tindakan" else "penelaah"
    client.force_login(demo[username])
    url = reverse("workflows:inbox") + f"?tab={tab}"

    def add(n):
        for route in make_routes(demo, n):
            if tab == "selesai":
                route_withdraw(route=route, actor=demo["penelaah"])

    add(5)
    client.get(url)  # warm caches (content types, session)
    few = count_queries(lambda: client.get(url))
    add(45)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("Surat ") >= 50


def test_timeline_shows_who_acted_for_whom_and_notes(demo):
    route = start(demo["statistisi"], "statistisi", "kadis_kominfo").route
    step_approve(step_state=active(route)[0], actor=demo["kabidaptika"], revision="r1", note="Oke.")
    entries = route_timeline(route)
    assert [e.kind for e in entries] == [
        "started",
        "activated",
        "approved",
        "activated",
        "signature_reached",
    ]
    approved = entries[2]
    assert approved.actor == demo["kabidaptika"]
    assert (approved.capacity, approved.acting_for) == (
        "plh",
        "Kepala Bidang Persandian dan Statistik",
    )
    assert approved.note == "Oke." and approved.revision == "r1"


# --- visibility ---------------------------------------------------------------------------


def test_participants_and_objects_visible_through_routes(demo):
    route = start(demo["statistisi"], "statistisi", "kadis_kominfo").route
    step_approve(step_state=active(route)[0], actor=demo["kabidaptika"], revision="r1")
    other = Group.objects.create(name="not routed")
    assert set(route_participants(route)) == {
        demo["statistisi"],
        demo["kabidaptika"],
        demo["kadiskominfo"],
    }
    routed = Group.objects.filter(pk__in=[int(route.object_id), other.pk])
    for username in ("statistisi", "kabidaptika", "kadiskominfo"):
        visible = objects_visible_through_routes(routed, demo[username])
        assert [g.pk for g in visible] == [int(route.object_id)], username
    assert list(objects_visible_through_routes(routed, demo["stafsma"])) == []


def test_visibility_follows_the_position_today(demo):
    # The step is addressed to Kepala Bidang Persandian, held today by a Plh: the Plh sees
    # the object; the absent holder does not (until he acts for the position again).
    route = start(demo["statistisi"], "statistisi", "kadis_kominfo").route
    routed = Group.objects.filter(pk=int(route.object_id))
    assert objects_visible_through_routes(routed, demo["kabidaptika"]).count() == 1
    assert objects_visible_through_routes(routed, demo["kabidsandi"]).count() == 0


def test_guardian_grants_are_explicit_only(demo):
    route = start(demo["statistisi"], "statistisi", "kadis_kominfo").route
    assert list(routes_shared_with(demo["admin"])) == []  # superuser gets no implicit share
    assign_perm("workflows.view_route", demo["arsiparis"], route)
    assert list(routes_shared_with(demo["arsiparis"])) == [route]


# --- pages -------------------------------------------------------------------------------


def test_route_page_is_404_for_outsiders_and_shows_actions_to_the_actor(demo, client):
    route = make_routes(demo, 1)[0]
    url = reverse("workflows:route_detail", args=[route.pk])
    client.force_login(demo["stafsma"])
    assert client.get(url).status_code == 404
    client.force_login(demo["kabagtu"])
    page = client.get(url).content.decode()
    assert 'value="approve"' in page and "Surat 0" in page


def test_approve_through_the_page_and_stale_form_message(demo, client):
    route = make_routes(demo, 1)[0]
    state = active(route)[0]
    client.force_login(demo["kabagtu"])
    form = {
        "action": "approve",
        "step_state": state.pk,
        "revision": "r1",
        "version": route.version,
        "note": "",
    }
    url = reverse("workflows:route_act", args=[route.pk])
    assert client.post(url, form).status_code == 302
    route.refresh_from_db()
    assert route.current_stage == 1
    response = client.post(url, form, follow=True)
    assert "Reload" in response.content.decode()
    client.force_login(demo["stafsma"])
    assert client.post(url, form).status_code == 404


def test_return_without_note_through_the_page_changes_nothing(demo, client):
    route = make_routes(demo, 1)[0]
    state = active(route)[0]
    client.force_login(demo["kabagtu"])
    url = reverse("workflows:route_act", args=[route.pk])
    form = {
        "action": "return",
        "step_state": state.pk,
        "revision": "r1",
        "version": route.version,
        "note": "",
    }
    response = client.post(url, form, follow=True)
    assert "Please write a note" in response.content.decode()
    assert Route.objects.get(pk=route.pk).status == "in_progress"


def test_notification_page_and_mark_read(demo, client):
    make_routes(demo, 2)
    client.force_login(demo["kabagtu"])
    page = client.get(reverse("workflows:notifikasi_list")).content.decode()
    assert "Needs your initial: Surat 1" in page
    client.post(reverse("workflows:notifikasi_read"), {"next": "https://evil.example/"})
    assert inbox_counts(demo["kabagtu"])["notifikasi"] == 0


def test_nav_context_processor(demo, rf):
    from workflows.context_processors import workflows_nav

    make_routes(demo, 1)
    request = rf.get("/")
    request.user = demo["kabagtu"]
    assert workflows_nav(request)["workflows_nav"]["perlu_tindakan"] == 1


def test_admin_reassigns_through_the_page(demo, client):
    route = make_routes(demo, 1)[0]
    state = active(route)[0]
    url = reverse("workflows:step_reassign", args=[route.pk])
    form = {
        "step_state": state.pk,
        "version": route.version,
        "to": demo["arsiparis"].pk,
        "note": "Cuti.",
    }
    client.force_login(demo["kabagtu"])
    client.post(url, form, follow=True)
    assert active(route)[0].assignee == demo["kabagtu"]  # not an administrator: refused
    client.force_login(demo["admin"])
    page = client.get(reverse("workflows:route_detail", args=[route.pk])).content.decode()
    assert "Reassign to" in page
    assert client.post(url, form).status_code == 302
    assert active(route)[0].assignee == demo["arsiparis"]
