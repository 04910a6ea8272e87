import os

from django.apps import apps
from django.core.management.base import BaseCommand

from core.demo import (
    DEMO_RECOVERY_CODES,
    DEMO_TOTP_SECRET,
    demo_second_factor_users,
    demo_seed,
)

DEFAULT_DEMO_PASSWORD = "demo-lampung-2026"  # noqa: S105 - demo data only, printed to the operator


class Command(BaseCommand):
    help = (
        "Create (or bring up to date) the demo organisation of the Provincial Government of "
        "Lampung and print the demo logins. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("NASKAH_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD),
            help="password for newly created demo accounts (existing accounts keep theirs)",
        )
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")

    def handle(self, *args, password: str, quiet: bool, **options):
        result = demo_seed(password=password)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({result.created} new records)."))
        # Apps that build on the organisation add their own demo data (letters, incoming
        # mail, archive) through an AppConfig.demo_seed() hook, in INSTALLED_APPS order;
        # core never imports them.
        for config in apps.get_app_configs():
            hook = getattr(config, "demo_seed", None)
            if callable(hook):
                summary = hook()
                if summary and not quiet:
                    self.stdout.write(f"  {config.label}: {summary}")
        if quiet:
            return
        self.stdout.write(f"Demo logins (password for new accounts: {password}):")
        required = {p.username for p in demo_second_factor_users()}
        for username, name, position in result.logins:
            mark = "*" if username in required else " "
            self.stdout.write(f" {mark}{username:<15} {name:<40} {position}")
        self.stdout.write(
            "* = second factor at sign-in (DEMO ONLY, never in production). Either\n"
            f"    the code of an authenticator app given the demo secret {DEMO_TOTP_SECRET},\n"
            "    or the current code printed by `.venv/bin/python manage.py demo_totp`,\n"
            f"    or a recovery code (each once per account): {', '.join(DEMO_RECOVERY_CODES)}."
        )
