import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from activities.models import Activity, PlanRow
from activities.services import load_plan
from targets.models import Target
from targets.services import load_frameworks

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = (
        "Load the target frameworks and the Joint Work Plan 2016-2018 from fixtures/. "
        "Safe to run again: it matches everything by natural key and never touches "
        "statuses, owners, due dates or history."
    )

    def add_arguments(self, parser):
        parser.add_argument("--targets", type=Path, default=FIXTURES / "targets.json")
        parser.add_argument("--plan", type=Path, default=FIXTURES / "plan-2016-2018.json")

    def handle(self, *args, **options):
        targets_data = self._read(options["targets"])
        plan_data = self._read(options["plan"])
        load_frameworks(frameworks=targets_data["frameworks"])
        plan = load_plan(data=plan_data)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {plan}: {Target.objects.count()} targets, "
                f"{PlanRow.objects.filter(plan=plan).count()} rows, "
                f"{Activity.objects.filter(plan=plan).count()} activities."
            )
        )

    def _read(self, path: Path) -> dict:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
