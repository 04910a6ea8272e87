"""Views of the api app that are not the API itself: the /api/ fallback and the page
where a person makes their own personal access tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from api.errors import problem_response
from api.models import ApiToken, Scope
from api.services.clients import token_personal_create, token_revoke
from core.errors import ApplicationError


@csrf_exempt
def not_found(request, *args, **kwargs):
    return problem_response(request, 404, code="not_found")


# --- Personal access tokens: each person makes and revokes their own ------------------------


class PersonalTokenForm(forms.Form):
    nama = forms.CharField(label=gettext_lazy("label"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(label=gettext_lazy("valid for (days)"), min_value=1, initial=90)


@login_required
@require_http_methods(["GET", "POST"])
def api_personal_tokens(request):
    form = PersonalTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = token_personal_create(
                actor=request.user,
                nama=form.cleaned_data["nama"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            form = PersonalTokenForm()
    tokens = ApiToken.objects.filter(pegawai=request.user, jenis=ApiToken.Jenis.PERSONAL).order_by(
        "-dibuat_pada"
    )
    return render(
        request,
        "api/personal_tokens.html",
        {"form": form, "tokens": tokens, "created": created},
        status=400 if request.method == "POST" and created is None else 200,
    )


@login_required
@require_POST
def api_personal_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, pegawai=request.user, jenis=ApiToken.Jenis.PERSONAL)
    token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("api_personal_tokens")
