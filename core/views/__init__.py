from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.selectors.organisasi import organisasi_tree, pegawai_assignments_on
from core.worklist import work_sections


def home(request):
    if not request.user.is_authenticated:
        # The landing page answers 200 with the sign-in form (and no redirect dance).
        return render(
            request, "registration/login.html", {"form": AuthenticationForm(request), "next": "/"}
        )
    assignments = pegawai_assignments_on(request.user)
    return render(
        request,
        "core/home.html",
        {"assignments": assignments, "sections": work_sections(request.user)},
    )


@login_required
def organisasi(request):
    return render(request, "core/organisasi.html", {"nodes": organisasi_tree()})


@require_GET
def healthz(request):
    """Liveness: the process answers. It touches nothing else, so a database outage does not
    get healthy processes restarted; `/readyz` (core/observability.py) checks the database,
    storage and queue for the load balancer."""
    return JsonResponse({"status": "ok"})
