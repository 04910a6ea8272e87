"""Register an API client from the command line, through the same audited services as the
admin (api.services.clients.apiclient_create, api.services.webhooks.webhook_subscribe):
scopes, the units it serves, its service account, and optionally a webhook subscription.
Prints JSON with the client secret (and the webhook signing secret) once; only their
digests (the webhook secret encrypted) are stored. For an operator scripting an
integration, and for the API checks against a running instance (docs/api.md)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from api.models import WebhookEvent
from core.errors import ApplicationError
from core.models import Pegawai, UnitKerja


class Command(BaseCommand):
    help = "Register an API client (and a webhook subscription); prints its secrets once as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--nama", required=True, help="the application's name")
        parser.add_argument(
            "--scope", action="append", default=[], help="a scope (repeat for several)"
        )
        parser.add_argument(
            "--unit",
            action="append",
            default=[],
            help="id of a unit the client serves (repeat); default: the service account's unit",
        )
        parser.add_argument("--akun", default="", help="username of the service account")
        parser.add_argument("--limit", type=int, default=120, help="calls per minute")
        parser.add_argument("--webhook-url", default="", help="subscribe this URL to events")
        parser.add_argument(
            "--event",
            action="append",
            default=[],
            help="an event for the webhook (repeat); default: every event",
        )
        parser.add_argument("--admin", default="admin", help="the administrator acting")

    def handle(self, *args, **o):
        from api.services.clients import apiclient_create
        from api.services.webhooks import webhook_subscribe
        from core.selectors.organisasi import pegawai_primary_unit

        admin = Pegawai.objects.filter(username=o["admin"], is_superuser=True).first()
        if admin is None:
            raise CommandError(f"No administrator {o['admin']!r}.")
        akun = None
        if o["akun"]:
            akun = Pegawai.objects.filter(username=o["akun"]).first()
            if akun is None:
                raise CommandError(f"No user {o['akun']!r}.")
        units = list(UnitKerja.objects.filter(pk__in=o["unit"]))
        if len(units) != len(set(o["unit"])):
            raise CommandError("Unknown unit id.")
        if not units and akun is not None:
            primary = pegawai_primary_unit(akun)
            units = [primary] if primary else []
        try:
            with transaction.atomic():
                reg = apiclient_create(
                    actor=admin,
                    nama=o["nama"],
                    scopes=o["scope"],
                    units=units,
                    akun=akun,
                    batas_per_menit=o["limit"],
                )
                out = {
                    "client_id": reg.client.client_id,
                    "client_secret": reg.secret,
                    "units": [u.pk for u in units],
                }
                if o["webhook_url"]:
                    sub, secret = webhook_subscribe(
                        actor=admin,
                        client=reg.client,
                        url=o["webhook_url"],
                        events=o["event"] or list(WebhookEvent.values),
                    )
                    out.update({"webhook_id": sub.pk, "webhook_secret": secret})
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(out))
