from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workplan.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup written by backup_data into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path, help="The backup file.")

    def handle(self, *args, input: Path, **options):
        try:
            count = restore_backup(input)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {count} records from {input}."))
