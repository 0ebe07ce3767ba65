import datetime
import random

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from activities.models import STAFF_GROUP, Activity, MeetingKind, Plan, Status, Via
from activities.services import record_progress

DEMO = "[Demo]"


class Command(BaseCommand):
    help = (
        "DEMO DATA, for trying the app: adds sample owners, status changes and meetings to the "
        "loaded plan. Everything it makes is labelled [Demo]. Refuses to run unless DEBUG is on."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo adds sample data and runs only with DEBUG on.")
        plan = Plan.objects.order_by("-start_year").first()
        if plan is None:
            raise CommandError("No plan loaded yet: run `python manage.py load_plan` first.")
        # factory-boy comes with the test tools; import it only once the command may run.
        from tests.factories import MeetingFactory, UserFactory

        if UserFactory._meta.model.objects.filter(username__startswith="demo-").exists():
            raise CommandError("Demo data is already there.")

        rng = random.Random(2016)
        with transaction.atomic():
            staff = Group.objects.get(name=STAFF_GROUP)
            owners = [
                UserFactory(
                    username=f"demo-{code.lower()}-{n}", first_name=DEMO, last_name=f"{code} staff {n}"
                )
                for code in ("CBD", "CMS")
                for n in (1, 2)
            ]
            for owner in owners:
                owner.groups.add(staff)
            activities = list(Activity.objects.filter(plan=plan).order_by("number"))
            for activity in activities[::2]:
                day = datetime.date(2016, 3, 1)
                chosen = rng.sample(owners, k=rng.randint(1, 2))
                for status in rng.sample([Status.PLANNED, Status.IN_PROGRESS, Status.COMPLETED], k=2):
                    day += datetime.timedelta(days=rng.randint(30, 300))
                    record_progress(
                        activity=activity,
                        by=rng.choice(owners),
                        expected_version=activity.version,
                        status=status,
                        effective_on=day,
                        note=f"{DEMO} Sample status change.",
                        owners=chosen,
                        via=Via.COMMAND,
                    )
            for day, kind, public in [
                (datetime.date(2016, 11, 15), MeetingKind.ANNUAL, True),
                (datetime.date(2017, 6, 20), MeetingKind.TELECONFERENCE, False),
                (datetime.date(2017, 11, 28), MeetingKind.ANNUAL, False),
            ]:
                MeetingFactory(
                    plan=plan,
                    date=day,
                    kind=kind,
                    is_public=public,
                    place=f"{DEMO} Sample venue",
                    participants="\n".join(str(owner.get_full_name()) for owner in owners),
                    notes=f"{DEMO} Sample notes: not a record of a real meeting.",
                    activities=rng.sample(activities, k=5),
                )
        self.stdout.write(self.style.WARNING(f"Added {DEMO} owners, status changes and meetings to {plan}."))
