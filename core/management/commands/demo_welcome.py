"""The short block `make run` ends with: the address, one demo login per role, who holds a
signing certificate and the demo passphrase. Reads the database; writes nothing."""

from __future__ import annotations

import os

from django.apps import apps
from django.core.management.base import BaseCommand

from core.demo import DEMO_RECOVERY_CODES, demo_second_factor_users
from core.models import Pegawai

# (role, username): one demo person for each kind of user of the system.
DEMO_ROLES = (
    ("drafter (konseptor)", "prakommuda"),
    ("reviewer (paraf)", "kabidaptika"),
    ("signer (TTE)", "kadiskominfo"),
    ("agendaris (incoming)", "agendaris"),
    ("unit head (disposisi)", "karoumum"),
    ("archivist", "arsiparis"),
    ("registration officer", "kabidsandi"),
    ("administrator", "admin"),
)


class Command(BaseCommand):
    help = "Print the demo's address, one login per role, certificate holders and passphrase."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=os.environ.get("NASKAH_PUBLIC_BASE_URL", ""))
        parser.add_argument(
            "--password",
            default=os.environ.get("NASKAH_DEMO_PASSWORD", "demo-lampung-2026"),
        )
        parser.add_argument("--log-file", default=os.environ.get("NASKAH_LOG_FILE", ""))

    def handle(self, *args, url: str, password: str, log_file: str, **options):
        people = {
            p.username: p for p in Pegawai.objects.filter(username__in=[u for _, u in DEMO_ROLES])
        }
        if not people:
            self.stdout.write("No demo data: `manage.py seed_demo` creates it.")
            return
        second = {p.username for p in demo_second_factor_users()}
        line = "-" * 78
        self.stdout.write(line)
        if url:
            self.stdout.write(f"Naskah: {url.rstrip('/')}/   (Ctrl-C stops the server and workers)")
        self.stdout.write(f"Demo logins (password {password}; * = second factor, see below):")
        for role, username in DEMO_ROLES:
            person = people.get(username)
            if person is None:
                continue
            mark = "*" if username in second else " "
            self.stdout.write(f"  {role:<23} {username + mark:<14} {person.nama_lengkap}")
        for config in apps.get_app_configs():
            hook = getattr(config, "demo_welcome", None)
            if callable(hook):
                for text in hook():
                    self.stdout.write(text)
        self.stdout.write(
            "* second factor: `.venv/bin/python manage.py demo_totp` prints the code, or use "
            f"a recovery code ({DEMO_RECOVERY_CODES[0]}, ...)."
        )
        if log_file:
            self.stdout.write(f"Logs of the server and the workers: {log_file}")
        self.stdout.write(line)
