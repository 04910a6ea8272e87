"""Inbox benchmark: N routes with their steps across the demo organisation, then the time
of the "Perlu tindakan" page query (first 50 rows) and of the navigation counter for a busy
user.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/naskah .venv/bin/python -m benchmarks.workflows
    .venv/bin/python -m benchmarks.workflows --routes 20000 --runs 100

It creates a throw-away test database (test_<name>) on the configured server, so it never
touches real data, and drops it at the end (--keepdb keeps it for a re-run).
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import time


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def generate(total: int, *, seed: int = 7, busy_share: float = 0.02, batch: int = 5000) -> dict:
    """Bulk-create `total` routes of three stages (two paraf, one signature). About 70% are
    in progress with one waiting step, `busy_share` of those waiting on the busy user's
    position (Kepala Bagian TU); the rest are completed."""
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from core.models import Jabatan, Pegawai, UnitKerja
    from workflows.models import Route, Stage, Step, StepState

    rng = random.Random(seed)
    ct = ContentType.objects.get_for_model(Group)
    positions = list(Jabatan.objects.filter(aktif=True).exclude(jenis="pelaksana"))
    busy = Jabatan.objects.get(nama="Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian")
    others = [j for j in positions if j.pk != busy.pk]
    drafters = list(Pegawai.objects.filter(is_superuser=False))
    units = list(UnitKerja.objects.all())
    urgencies = ["amat_segera", "segera", "biasa", "biasa", "biasa"]
    now = timezone.now()
    created = 0
    busy_waiting = 0
    while created < total:
        size = min(batch, total - created)
        with transaction.atomic():
            routes = []
            for i in range(created, created + size):
                in_progress = rng.random() < 0.7
                started = now - timezone.timedelta(minutes=rng.randint(10, 60 * 24 * 60))
                routes.append(
                    Route(
                        content_type=ct,
                        object_id=str(i + 1),
                        revision="r1",
                        title=f"Surat nomor {i + 1}",
                        object_label="Nota Dinas",
                        urgency=rng.choice(urgencies),
                        unit=rng.choice(units),
                        drafter=rng.choice(drafters),
                        status="in_progress" if in_progress else "completed",
                        current_stage=1 if in_progress else None,
                        started_at=started,
                        status_since=started,
                        finished_at=None if in_progress else started + timezone.timedelta(days=1),
                    )
                )
            routes = Route.objects.bulk_create(routes)
            stages = Stage.objects.bulk_create(
                [
                    Stage(route=r, index=k, kind=kind)
                    for r in routes
                    for k, kind in enumerate(["paraf_hierarki", "paraf_hierarki", "tandatangan"])
                ]
            )
            steps = []
            for stage in stages:
                if stage.index == 1 and stage.route.status == "in_progress":
                    jabatan = busy if rng.random() < busy_share else rng.choice(others)
                else:
                    jabatan = rng.choice(others)
                steps.append(
                    Step(
                        route=stage.route,
                        stage=stage,
                        kind=stage.kind,
                        jabatan=jabatan,
                        label=jabatan.nama,
                    )
                )
            steps = Step.objects.bulk_create(steps)
            states = []
            for step in steps:
                route = step.route
                index = step.stage.index
                if route.status == "in_progress" and index == 2:
                    continue
                waiting = route.status == "in_progress" and index == 1
                busy_waiting += waiting and step.jabatan_id == busy.pk
                activated = route.started_at + timezone.timedelta(hours=index)
                states.append(
                    StepState(
                        step=step,
                        route=route,
                        stage_index=index,
                        kind=step.kind,
                        jabatan_id=step.jabatan_id,
                        status="active" if waiting else "approved",
                        assignee_capacity="definitif",
                        revision="r1",
                        activated_at=activated,
                        due_at=activated + timezone.timedelta(hours=rng.choice([24, 48, 120])),
                        approved_revision="" if waiting else "r1",
                        covers_revision="" if waiting else "r1",
                        acted_at=None if waiting else activated + timezone.timedelta(minutes=30),
                    )
                )
            StepState.objects.bulk_create(states)
        created += size
        print(f"  {created}/{total} routes", file=sys.stderr)
    return {"busy_jabatan": busy, "busy_waiting": busy_waiting}


def measure(user, runs: int) -> dict[str, list[float]]:
    from django.db import connection, reset_queries

    from workflows.selectors import inbox_action, inbox_counts

    timings: dict[str, list[float]] = {"page": [], "counts": []}
    for _ in range(runs):
        reset_queries()
        began = time.perf_counter()
        rows = list(inbox_action(user)[:50])
        for row in rows:
            _ = row.route.title, row.route.unit, row.step.label
        timings["page"].append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        inbox_counts(user)
        timings["counts"].append((time.perf_counter() - began) * 1000)
    connection.close()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--routes", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--keepdb", action="store_true")
    args = parser.parse_args(argv)

    _setup_django()
    from django.conf import settings
    from django.db import connection

    from core.demo import demo_seed
    from core.models import Pegawai

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keepdb)
    try:
        from workflows.models import Route

        if not Route.objects.exists():
            demo_seed(password=secrets.token_urlsafe(16))
            began = time.perf_counter()
            generate(args.routes)
            print(
                f"generated {args.routes} routes in {time.perf_counter() - began:.0f} s",
                file=sys.stderr,
            )
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        user = Pegawai.objects.get(username="kabagtu")
        from workflows.selectors import inbox_action

        waiting = inbox_action(user).count()
        measure(user, 5)  # warm up
        timings = measure(user, args.runs)
        print(
            f"workflows inbox ({connection.vendor}, {Route.objects.count()} routes, "
            f"busy user with {waiting} waiting steps, {args.runs} runs)"
        )
        for name, values in timings.items():
            print(
                f"  {name:7s} p50 {statistics.median(values):7.2f} ms"
                f"   p95 {_percentile(values, 0.95):7.2f} ms   max {max(values):7.2f} ms"
            )
    finally:
        if not args.keepdb:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
