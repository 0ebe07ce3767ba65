import json

from django.core.management.base import BaseCommand, CommandError

from activities.exports import plan_as_data
from activities.models import Plan


class Command(BaseCommand):
    help = "Print a joint work plan as JSON on standard output."

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="Slug of the plan to export (default: the latest plan).")

    def handle(self, *args, **options):
        plans = Plan.objects.all()
        try:
            plan = plans.get(slug=options["plan"]) if options["plan"] else plans[:1].get()
        except Plan.DoesNotExist:
            raise CommandError(
                f"No plan {options['plan']!r}."
                if options["plan"]
                else "No plan loaded yet: run `python manage.py load_plan` first."
            ) from None
        self.stdout.write(json.dumps(plan_as_data(plan), ensure_ascii=False, indent=2))
