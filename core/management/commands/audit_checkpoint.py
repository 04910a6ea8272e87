from django.core.management.base import BaseCommand, CommandError

from core.services.audit import (
    AuditCheckpointRefused,
    audit_checkpoint_create,
    audit_checkpoint_schedule,
)
from core.services.audit_checkpoints import checkpoint_export


class Command(BaseCommand):
    help = (
        "Sign the audit chain's head into a new checkpoint file outside the database. "
        "`--export DIR` copies the checkpoints and their public key; `--schedule` creates "
        "the django-q2 schedule that writes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--export", metavar="DIR", help="copy the checkpoint files to DIR")
        parser.add_argument("--schedule", action="store_true", help="create the schedule only")
        parser.add_argument("--minutes", type=int, default=None, help="schedule interval")

    def handle(self, *args, export=None, schedule=False, minutes=None, **options):
        if schedule:
            job, _created = audit_checkpoint_schedule(minutes=minutes)
            self.stdout.write(
                self.style.SUCCESS(f"schedule audit_checkpoint: every {job.minutes} minutes")
            )
            return
        if export:
            copied = checkpoint_export(export)
            self.stdout.write(self.style.SUCCESS(f"{copied} checkpoint files copied to {export}"))
            return
        try:
            checkpoint = audit_checkpoint_create()
        except AuditCheckpointRefused as error:
            raise CommandError(f"Checkpoint refused: {error}") from error
        if checkpoint is None:
            self.stdout.write("The chain head has not moved since the last checkpoint.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Checkpoint of event #{checkpoint.seq} written to {checkpoint.path}"
                )
            )
