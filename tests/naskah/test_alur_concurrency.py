"""Concurrent actions on one letter through the naskah services (PostgreSQL, real
connections: one per thread). The route row, then the letter row, are locked in one
transaction; the loser gets a ConflictError and nothing of theirs is written."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from core.errors import ConflictError
from core.models import AuditEvent
from naskah.models import Naskah, NaskahRevisi
from naskah.services.approval import naskah_correct, naskah_paraf, naskah_return
from tests.naskah.alur_helpers import letter, submit, waiting
from workflows.models import RouteEvent, StepState

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def race(*actions):
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as exc:  # noqa: BLE001 - the test inspects every outcome
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_paraf_of_one_step_make_one_transition(demo):
    for round_ in range(3):  # the interleaving differs from run to run
        naskah = letter(demo, "agendakominfo", hal=f"Surat {round_}")
        submit(demo, naskah)
        state = waiting(naskah)[0]
        actor = state.assignee

        def approve(s=state, a=actor, n=naskah):
            return naskah_paraf(actor=a, naskah=n, step_state=s, expected_revisi=1)

        results = race(approve, approve)
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], ConflictError), results
        naskah.refresh_from_db()
        assert naskah.status == Naskah.Status.SIAP_TANDATANGAN
        route = waiting(naskah)[0].route
        assert RouteEvent.objects.filter(route=route, kind="approved").count() == 1
        assert (
            AuditEvent.objects.filter(action="naskah.paraf", object_id=str(naskah.pk)).count() == 1
        )


def test_paraf_racing_a_correction_leaves_one_outcome(demo):
    """The reviewer's correction and a stale approval of the same step: one wins; the other
    sees the step handled or the revision changed."""
    from tests.naskah.test_alur_actions import values_from

    for round_ in range(3):
        naskah = letter(demo, "agendakominfo", hal=f"Surat {round_}")
        submit(demo, naskah)
        naskah.refresh_from_db()
        state = waiting(naskah)[0]
        values = values_from(naskah, hal=f"Surat {round_} (koreksi)")
        results = race(
            lambda s=state, n=naskah: naskah_paraf(
                actor=demo["sekdiskominfo"], naskah=n, step_state=s, expected_revisi=1
            ),
            lambda s=state, n=naskah, v=values: naskah_correct(
                actor=demo["sekdiskominfo"], naskah=n, step_state=s, expected_revisi=1, values=v
            ),
        )
        errors = [r for r in results if isinstance(r, Exception)]
        assert len(errors) == 1 and isinstance(errors[0], ConflictError), results
        naskah.refresh_from_db()
        revisions = NaskahRevisi.objects.filter(naskah=naskah).count()
        corrected = not isinstance(results[1], Exception)
        assert revisions == (2 if corrected else 1)
        assert naskah.revisi_terakhir == revisions
        assert StepState.objects.filter(pk=state.pk, status="approved").count() == 1


def test_return_and_paraf_of_the_same_step_at_once(demo):
    naskah = letter(demo, "agendakominfo")
    submit(demo, naskah)
    state = waiting(naskah)[0]
    results = race(
        lambda: naskah_paraf(
            actor=demo["sekdiskominfo"], naskah=naskah, step_state=state, expected_revisi=1
        ),
        lambda: naskah_return(
            actor=demo["sekdiskominfo"],
            naskah=naskah,
            step_state=state,
            expected_revisi=1,
            note="Perbaiki.",
        ),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ConflictError), results
    naskah.refresh_from_db()
    expected = (
        Naskah.Status.SIAP_TANDATANGAN
        if not isinstance(results[0], Exception)
        else Naskah.Status.DIKEMBALIKAN
    )
    assert naskah.status == expected


def _locks_in_order(run):
    """The tables each SELECT … FOR UPDATE of `run` locks, in order."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    order = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if "FOR UPDATE" in sql:
            table = sql.split(" FROM ", 1)[1].split()[0].strip('"')
            if not order or order[-1] != table:
                order.append(table)
    return order


def test_every_action_locks_the_route_before_the_letter(demo):
    """One lock order for the route and the letter everywhere (the engine's own actions
    and signing take the route first), so two actions on one letter never deadlock."""
    naskah = letter(demo, "agendakominfo", hal="Urutan kunci")
    submit(demo, naskah)
    state = waiting(naskah)[0]
    paraf_locks = _locks_in_order(
        lambda: naskah_paraf(
            actor=state.assignee, naskah=naskah, step_state=state, expected_revisi=1
        )
    )
    assert paraf_locks.index("workflows_route") < paraf_locks.index("naskah_naskah")

    other = letter(demo, "agendakominfo", hal="Urutan kunci 2")
    submit(demo, other)
    state = waiting(other)[0]
    return_locks = _locks_in_order(
        lambda: naskah_return(
            actor=state.assignee, naskah=other, step_state=state, note="Perbaiki", expected_revisi=1
        )
    )
    assert return_locks.index("workflows_route") < return_locks.index("naskah_naskah")
