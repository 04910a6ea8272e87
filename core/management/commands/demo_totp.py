from django.core.management.base import BaseCommand
from django_otp.oath import totp

from core.demo import DEMO_TOTP_SECRET, demo_totp_key_hex


class Command(BaseCommand):
    help = (
        "DEMO ONLY: print the current second-factor code of the demo accounts (the demo "
        f"TOTP secret {DEMO_TOTP_SECRET} that seed_demo gives them)."
    )

    def handle(self, *args, **options):
        code = totp(bytes.fromhex(demo_totp_key_hex()))
        self.stdout.write(f"{code:06d}")
