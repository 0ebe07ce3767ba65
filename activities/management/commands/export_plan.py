import json

from django.core.management.base import BaseCommand, CommandError

from activities.exports import plan_as_data
from activities.models import Plan


class Command(BaseCommand):
    help = "Print a joint work plan as JSON on standard output."

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="Slug of the plan to export (default: the latest plan).")

    def handle(self, *args, **options):
        plan = (
            Plan.objects.filter(slug=options["plan"]).first() if options["plan"] else Plan.objects.current()
        )
        if plan is None:
            raise CommandError(
                f"No plan {options['plan']!r}."
                if options["plan"]
                else "No plan loaded yet: run `python manage.py load_plan` first."
            )
        self.stdout.write(json.dumps(plan_as_data(plan), ensure_ascii=False, indent=2))
