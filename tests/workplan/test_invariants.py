"""Property-based: random sequences of what people do, with the invariants checked after every step.

Steps: status updates on the activity page (backdated ones included), owner changes, reviews
of public and private annual meetings (past ones included) and target edits in Django admin.
After each step:
- every activity's current status is its status as of today, and took effect when its history says;
- for every pair of targets, the coverage matrix, the filtered list and the API list the same
  activities, and each activity serves the targets of the rows it stands under;
- no private marker reaches an anonymous reader or a focal point.
"""

import datetime
import random

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from activities.filters import ActivityFilter
from activities.models import Activity, ActivityTarget, MeetingKind, Plan, RowTarget, Status, StatusChange
from targets.models import Target
from tests.conftest import PLAN_SLUG, member_of
from tests.factories import MeetingFactory
from tests.forms import form_data
from workplan.coverage import coverage_matrix, default_axes, plan_frameworks

MARKER = "ZZSECRETZZ"
NUMBERS = st.integers(min_value=1, max_value=28)


class People(RuleBasedStateMachine):
    """Secretariat staff, an admin, a focal point and an anonymous reader at work on the plan."""

    @initialize()
    def open(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()  # each example starts from the loaded plan and is rolled back
        self.plan = Plan.objects.get(slug=PLAN_SLUG)
        self.staff, self.admin, self.focal, self.anonymous = Client(), Client(), Client(), Client()
        self.staff_user = member_of("Secretariat staff", "machine-staff")
        self.staff.force_login(self.staff_user)
        self.admin.force_login(
            type(self.staff_user).objects.create_superuser("machine-root", "root@example.org", None)
        )
        self.focal.force_login(member_of("Focal points", "machine-focal"))
        self.frameworks = default_axes(plan_frameworks(self.plan))
        self.private_activities: set[int] = set()

    def teardown(self):
        if hasattr(self, "atomic"):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    def activity(self, number) -> Activity:
        return Activity.objects.get(plan=self.plan, number=number)

    @rule(
        number=NUMBERS,
        status=st.sampled_from(Status.values),
        days_back=st.integers(0, 3700),
        note=st.booleans(),
    )
    def update_status(self, number, status, days_back, note):
        activity = self.activity(number)
        url = reverse("activities:update-progress", args=[activity.pk])
        data = form_data(self.staff.get(activity.get_absolute_url()), action=url)
        day = timezone.localdate() - datetime.timedelta(days=days_back)
        data.update(status=status, effective_on=day.isoformat(), note="A note" if note else "")
        assert self.staff.post(url, data).status_code in (302, 400)

    @rule(number=NUMBERS, owners=st.booleans())
    def change_owners(self, number, owners):
        activity = self.activity(number)
        url = reverse("activities:update-progress", args=[activity.pk])
        data = form_data(self.staff.get(activity.get_absolute_url()), action=url)
        data["owners"] = [str(self.staff_user.pk)] if owners else []
        assert self.staff.post(url, data).status_code in (302, 400)

    @rule(
        numbers=st.lists(NUMBERS, min_size=1, max_size=3, unique=True),
        status=st.sampled_from(Status.values),
        public=st.booleans(),
        year=st.sampled_from([2016, 2017, 2018]),
    )
    def review_a_meeting(self, numbers, status, public, year):
        activities = [self.activity(n) for n in numbers]
        meeting = MeetingFactory(
            plan=self.plan,
            kind=MeetingKind.ANNUAL,
            is_public=public,
            date=datetime.date(year, 11, 20),
            notes=f"{MARKER} notes" if not public else "Public notes",
            activities=activities,
        )
        url = reverse("activities:meeting-review", args=[meeting.pk])
        data = form_data(self.staff.get(url))
        for activity in activities:
            data[f"a{activity.pk}-agreed_status"] = status
            data[f"a{activity.pk}-note"] = f"{MARKER} note" if not public else "Public note"
        response = self.staff.post(url, data)
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 302 and not public:
            self.private_activities.update(a.pk for a in activities)

    @rule(number=NUMBERS, target_index=st.integers(0, 35), remove=st.booleans())
    def edit_targets_in_admin(self, number, target_index, remove):
        activity = self.activity(number)
        url = reverse("admin:activities_activity_change", args=[activity.pk])
        data = form_data(self.admin.get(url), action="")
        prefix = "activitytarget_set"
        total = int(data[f"{prefix}-TOTAL_FORMS"])
        if remove and total:
            data[f"{prefix}-{target_index % total}-DELETE"] = "on"
        else:
            target = Target.objects.order_by("framework__position", "number")[target_index]
            data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
            data[f"{prefix}-{total}-target"] = str(target.pk)
            data[f"{prefix}-{total}-activity"] = str(activity.pk)
        response = self.admin.post(url, data)
        assert response.status_code in (200, 302)  # 200: refused with a message (a row's target)

    @invariant()
    def current_is_as_of_today(self):
        if not hasattr(self, "plan"):
            return
        today = timezone.localdate()
        shown = dict(
            Activity.objects.filter(plan=self.plan).with_status_on(today).values_list("pk", "status_shown")
        )
        for pk, status, since in Activity.objects.filter(plan=self.plan).values_list(
            "pk", "status", "status_since"
        ):
            assert status == shown[pk]
            latest = StatusChange.objects.filter(activity_id=pk).latest_first().first()
            assert since == (latest.effective_on if latest else None)

    @invariant()
    def matrix_list_and_api_agree(self):
        if not hasattr(self, "plan"):
            return
        rows, columns = self.frameworks
        matrix = coverage_matrix(self.plan, rows, columns, limit=None)
        cells = [cell for _, _, row_cells in matrix["matrix"] for cell in row_cells]
        # Every pair against what the activities serve; a sample through the list's own filter.
        serving: dict[int, set] = {}
        for number, target in ActivityTarget.objects.filter(activity__plan=self.plan).values_list(
            "activity__number", "target"
        ):
            serving.setdefault(target, set()).add(number)
        queryset = Activity.objects.filter(plan=self.plan)
        filterset = ActivityFilter.for_targets(
            Target.objects.with_framework().filter(framework__plans=self.plan)
        )
        for cell in cells:
            both = serving.get(cell.row.pk, set()) & serving.get(cell.column.pk, set())
            assert {a.number for a in cell.activities} == both
        for cell in random.sample(cells, 8):
            data = {rows.slug: [str(cell.row.number)], columns.slug: [str(cell.column.number)]}
            listed = filterset(data, queryset=queryset)
            assert listed.is_valid()
            assert {a.number for a in cell.activities} == {a.number for a in listed.qs}
        cell = random.choice([c for _, _, cells in matrix["matrix"] for c in cells if c.count] or [None])
        if cell is not None:
            query = {rows.slug: cell.row.number, columns.slug: cell.column.number, "page_size": 200}
            api = self.anonymous.get("/api/activities/", query).json()["results"]
            assert {item["number"] for item in api} == {a.number for a in cell.activities}

    @invariant()
    def activities_serve_their_rows_targets(self):
        if not hasattr(self, "plan"):
            return
        required = set(
            RowTarget.objects.filter(row__plan=self.plan).values_list(
                "row__activity_links__activity", "target"
            )
        )
        served = set(ActivityTarget.objects.values_list("activity", "target"))
        assert {pair for pair in required if pair[0] is not None} <= served

    @invariant()
    def private_words_stay_private(self):
        if not getattr(self, "private_activities", None):
            return
        pk = sorted(self.private_activities)[-1]
        for client in (self.anonymous, self.focal):
            assert MARKER not in client.get(reverse("activities:detail", args=[pk])).content.decode()
        assert (
            MARKER
            not in self.focal.get(reverse("compare") + "?start=2016-01-01&end=2030-01-01").content.decode()
        )


@pytest.mark.django_db
def test_random_sequences_of_edits_keep_every_invariant(plan):
    run_state_machine_as_test(
        People,
        settings=settings(
            max_examples=6,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
