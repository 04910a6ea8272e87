from django.core.management.base import BaseCommand, CommandError

from naskah.services.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a backup into DIR (new or empty): a consistent database dump (SQLite online "
        "backup or pg_dump), every stored file with its SHA-256 in manifest.json, the audit "
        "checkpoints and the audit chain head. docs/deployment.md, 'Backup and restore'."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args, directory, **options):
        try:
            manifest = backup_create(directory, stdout=self.stdout)
        except (BackupError, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {directory}: {len(manifest['files'])} files, audit head "
                f"#{manifest['audit_head']['seq']}"
            )
        )
