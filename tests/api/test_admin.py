"""The admin registers clients through the audited service and shows the secret once."""

import pytest
from django.contrib.messages import get_messages

from api.models import ApiClient, ApiSecret
from core.models import AuditEvent
from core.selectors.organisasi import pegawai_primary_unit

pytestmark = pytest.mark.django_db


def test_admin_registers_a_client_and_shows_the_secret_once(client, demo):
    admin = demo["admin"]
    client.force_login(admin)
    unit = pegawai_primary_unit(demo["prakommuda"])
    response = client.post(
        "/admin/api/apiclient/add/",
        {
            "nama": "e-Perizinan",
            "keterangan": "",
            "scopes": ["letters:read", "drafts:write"],
            "unit": [unit.pk],
            "akun": demo["prakommuda"].pk,
            "batas_per_menit": 60,
            "aktif": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    registered = ApiClient.objects.get(nama="e-Perizinan")
    assert list(registered.unit.all()) == [unit] and registered.scopes == [
        "letters:read",
        "drafts:write",
    ]
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    secret = next(m.split(": ")[-1] for m in shown if registered.client_id in m)
    assert secret.startswith("nsk_cs_")
    assert not ApiSecret.objects.filter(digest=secret).exists()  # only a digest is stored
    assert AuditEvent.objects.filter(action="api.client_created", actor=admin).exists()
    page = client.get(f"/admin/api/apiclient/{registered.pk}/change/")
    assert secret.encode() not in page.content


def test_the_command_registers_a_client_and_its_webhook_and_prints_the_secrets_once(
    demo, settings, capsys
):
    import json

    from django.core.management import call_command

    from api.models import WebhookSubscription
    from api.services.clients import apiclient_authenticate

    settings.NASKAH_WEBHOOK_ALLOW_LOOPBACK = True
    call_command(
        "api_client_add",
        "--nama=e-Perizinan",
        "--akun=prakommuda",
        "--scope=letters:read",
        "--scope=events:receive",
        "--webhook-url=http://127.0.0.1:8799/hook",
        "--event=letter.signed",
    )
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    client = ApiClient.objects.get(client_id=out["client_id"])
    assert out["units"] == [pegawai_primary_unit(demo["prakommuda"]).pk]
    assert apiclient_authenticate(out["client_id"], out["client_secret"]) == client
    assert not ApiSecret.objects.filter(digest__contains=out["client_secret"]).exists()
    sub = WebhookSubscription.objects.get(client=client)
    assert sub.events == ["letter.signed"] and out["webhook_secret"].startswith("whsec_")
    assert out["webhook_secret"] not in sub.secret_encrypted
    assert AuditEvent.objects.filter(action="api.client_created").exists()
    assert AuditEvent.objects.filter(action="api.webhook_subscribed").exists()
