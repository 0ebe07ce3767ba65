from pathlib import Path

from django.core.management.base import BaseCommand

from workplan.backup import write_backup


class Command(BaseCommand):
    help = (
        "Write a complete backup of the application's data (plan, targets, statuses, history, "
        "meetings, users and groups) to a JSON file. Password hashes are left out unless asked for."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="The file to write.")
        parser.add_argument(
            "--with-passwords",
            action="store_true",
            help="Keep password hashes, so users can sign in after a restore.",
        )

    def handle(self, *args, output: Path, with_passwords: bool, **options):
        count = write_backup(output, with_passwords=with_passwords)
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} records to {output}."))
