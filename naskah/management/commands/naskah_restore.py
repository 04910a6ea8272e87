import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from naskah.services.backup import BackupError, backup_check, backup_restore, backup_verify


class Command(BaseCommand):
    # The target database is empty until the restore: no check may query it first.
    requires_system_checks = []
    help = (
        "Restore the backup in DIR into the configured database and default storage (MEDIA_ROOT "
        "or the S3 bucket), which must be empty (or into --database-url / --media-root). "
        "With --verify, then check the audit chain, every stored file's hash and a sample of "
        "signatures; exits non-zero on any problem. --check-only checks the backup folder "
        "itself and restores nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument("--verify", action="store_true", help="verify after restoring")
        parser.add_argument(
            "--verify-only", action="store_true", help="verify an already restored copy"
        )
        parser.add_argument(
            "--check-only", action="store_true", help="check the backup folder only"
        )
        parser.add_argument("--sample", type=int, default=5, help="sealed PDFs to validate")
        parser.add_argument("--database-url", help="restore into this (empty) database")
        parser.add_argument("--media-root", help="restore stored files into this (empty) folder")

    def handle(self, *args, directory, **options):
        if options["database_url"] or options["media_root"]:
            return self._in_child(directory, options)
        try:
            if options["check_only"]:
                problems = backup_check(directory)
            else:
                if not options["verify_only"]:
                    backup_restore(directory, stdout=self.stdout)
                    self.stdout.write(self.style.SUCCESS(f"Restored from {directory}."))
                problems = []
                if options["verify"] or options["verify_only"]:
                    problems = backup_verify(
                        directory, sample=options["sample"], stdout=self.stdout
                    )
        except (BackupError, OSError) as exc:
            raise CommandError(f"Restore failed: {exc}") from exc
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"Verification FAILED: {len(problems)} problems")
        if options["verify"] or options["verify_only"] or options["check_only"]:
            self.stdout.write(self.style.SUCCESS("Verified."))

    def _in_child(self, directory, options):
        """Django is connected to the configured database: another target is restored by a
        child process configured for it."""
        env = {**os.environ}
        if options["database_url"]:
            env["DATABASE_URL"] = options["database_url"]
        if options["media_root"]:
            env["MEDIA_ROOT"] = options["media_root"]
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "naskah_restore"]
        command.append(str(Path(directory).resolve()))
        for flag in ("verify", "verify_only", "check_only"):
            if options[flag]:
                command.append("--" + flag.replace("_", "-"))
        command += ["--sample", str(options["sample"])]
        result = subprocess.run(command, env=env, check=False)  # noqa: S603 - our own command
        if result.returncode:
            raise CommandError(f"Restore into the given target failed (exit {result.returncode})")
