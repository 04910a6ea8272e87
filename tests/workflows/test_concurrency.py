"""Two people acting at once produce exactly one transition (PostgreSQL, real connections).

Each thread gets its own database connection (Django connections are per thread); a
barrier releases them together; the route row lock serialises them and the loser sees the
step already handled (or the revision already changed) and gets a ConflictError."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from core.errors import ConflictError
from tests.workflows.conftest import active, start
from workflows.models import RouteEvent, StepState
from workflows.services import step_approve, step_approve_with_correction, step_return

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*actions):
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as exc:  # noqa: BLE001 - the result is what the test inspects
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def route(demo):
    return start(demo["penelaah"], "penelaah", "sekda").route


def test_double_approval_of_one_step_makes_one_transition(demo, route):
    for _ in range(3):  # repeat: the interleaving differs from run to run
        state = active(route)[0]
        actor = state.assignee
        results = race(
            lambda s=state, a=actor: step_approve(step_state=s, actor=a, revision="r1"),
            lambda s=state, a=actor: step_approve(step_state=s, actor=a, revision="r1"),
        )
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], ConflictError), results
        assert "already handled" in errors[0].message
    assert RouteEvent.objects.filter(route=route, kind="approved").count() == 3
    assert StepState.objects.filter(route=route, status="approved").count() == 3


def test_approve_and_return_race_one_wins(demo, route):
    state = active(route)[0]
    results = race(
        lambda: step_approve(step_state=state, actor=demo["kabagtu"], revision="r1"),
        lambda: step_return(step_state=state, actor=demo["kabagtu"], revision="r1", note="x"),
    )
    assert sum(isinstance(r, ConflictError) for r in results) == 1, results
    state.refresh_from_db()
    route.refresh_from_db()
    assert state.status in {"approved", "returned"}
    assert route.version == 3  # 2 after route_start, + exactly one transition


def test_approval_on_a_revision_being_corrected_is_refused(demo, route):
    state = active(route)[0]
    results = race(
        lambda: step_approve_with_correction(
            step_state=state, actor=demo["kabagtu"], revision="r1", new_revision="r2"
        ),
        lambda: step_approve(step_state=state, actor=demo["kabagtu"], revision="r1"),
    )
    assert sum(isinstance(r, ConflictError) for r in results) == 1, results
    assert StepState.objects.filter(route=route, status="approved").count() == 1
