"""Register (or update) a peer instance from the command line, through the same audited
service as the admin (pertukaran.services.mitra_save). With --client-for, also register
the API client the peer calls this instance with (scope incoming:write, serving that
agendaris's registers, in the agendaris's name) and print its secret once."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from core.models import Pegawai


class Command(BaseCommand):
    help = "Register or update a peer instance (letters between instances); prints JSON."

    def add_arguments(self, parser):
        parser.add_argument("--kode", required=True, help="the peer's agency code")
        parser.add_argument("--nama", required=True)
        parser.add_argument("--url", default="", help="the peer's base URL (to deliver to it)")
        parser.add_argument("--client-id", default="", help="our client id at the peer")
        parser.add_argument(
            "--secret-env",
            default="",
            help="name of the environment variable holding our client secret at the peer",
        )
        parser.add_argument("--trust-pem", default="", help="file of the peer's CA certificates")
        parser.add_argument("--email", default="", help="the peer's official e-mail address")
        parser.add_argument(
            "--client-for",
            default="",
            help="username of the agendaris in whose name the peer registers letters here",
        )
        parser.add_argument("--admin", default="admin", help="the administrator acting")

    def handle(self, *args, **o):
        from api.services.clients import apiclient_create
        from naskah.masuk.permissions import register_units
        from pertukaran.models import InstansiMitra
        from pertukaran.services import mitra_save

        admin = Pegawai.objects.filter(username=o["admin"], is_superuser=True).first()
        if admin is None:
            raise CommandError(f"No administrator {o['admin']!r}.")
        pem = Path(o["trust_pem"]).read_text() if o["trust_pem"] else ""
        secret = os.environ.get(o["secret_env"], "") if o["secret_env"] else None
        existing = InstansiMitra.objects.filter(kode=o["kode"]).first()
        out = {}
        client = existing.client if existing else None
        if o["client_for"] and client is None:
            akun = Pegawai.objects.filter(username=o["client_for"]).first()
            if akun is None:
                raise CommandError(f"No user {o['client_for']!r}.")
            reg = apiclient_create(
                actor=admin,
                nama=f"Naskah {o['nama']}",
                scopes=["incoming:write"],
                units=register_units(akun),
                akun=akun,
            )
            client = reg.client
            out.update({"client_id": reg.client.client_id, "client_secret": reg.secret})
        try:
            mitra = mitra_save(
                actor=admin,
                mitra=existing,
                nama=o["nama"],
                kode=o["kode"],
                url_dasar=o["url"],
                client_id_mitra=o["client_id"],
                secret_mitra=secret,
                jangkar_kepercayaan=pem,
                alamat_surel=o["email"],
                client=client,
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        out["mitra_id"] = mitra.pk
        self.stdout.write(json.dumps(out))
