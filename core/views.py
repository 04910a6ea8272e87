from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.selectors.organisasi import organisasi_tree, pegawai_assignments_on


def home(request):
    if not request.user.is_authenticated:
        # The landing page answers 200 with the sign-in form (and no redirect dance).
        return render(
            request, "registration/login.html", {"form": AuthenticationForm(request), "next": "/"}
        )
    assignments = pegawai_assignments_on(request.user)
    return render(request, "core/home.html", {"assignments": assignments})


@login_required
def organisasi(request):
    return render(request, "core/organisasi.html", {"nodes": organisasi_tree()})


@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return JsonResponse({"status": "ok"})
