"""Each page's queries stay the same whatever the number of activities, targets, owners or records."""

import pytest
from django.urls import reverse

from activities.models import Activity, Status
from targets.models import Target
from tests.conftest import member_of
from tests.factories import ActivityFactory, MeetingFactory, UserFactory


def grow(plan, extra: int):
    """Add activities with targets, owners, history and meetings to the loaded plan."""
    targets = list(Target.objects.all())
    owners = [UserFactory() for _ in range(3)]
    for i in range(extra):
        activity = ActivityFactory(
            plan=plan, targets=targets[i % 30 : i % 30 + 3], owners=owners[: i % 3 + 1]
        )
        activity.set_status(Status.PLANNED, by=owners[0], note="planned")
        activity.set_status(Status.IN_PROGRESS, by=owners[1])
    MeetingFactory(plan=plan, is_public=True, activities=list(Activity.objects.all()[:extra]))


@pytest.fixture
def staff_client(client, db):
    client.force_login(member_of("Secretariat staff", "staff"))
    return client


def urls(plan):
    activity = Activity.objects.filter(plan=plan, status_changes__isnull=False).first()
    meeting = plan.meetings.first()
    return {
        # session, user, plan, targets for the filter form, owner choices, count, page,
        # prefetched targets and owners of the page
        "list": (reverse("activities:list") + "?aichi=11&aichi=12&sort=-updated", 10),
        # session, user, activity, its targets, rows and their targets, owners, references,
        # status history, meetings, owner choices for the form, permissions; for staff the
        # change history: records, their owners and citations, target links
        "detail": (activity.get_absolute_url(), 18),
        # session, user, plan, frameworks, targets with counts
        "targets": (reverse("target-list"), 6),
        # session, user, plan, target, paired targets, activities with targets and owners
        "target": (Target.objects.get_by_natural_key("aichi", 11).get_absolute_url(), 8),
        # session, user, plan, targets, rows, their targets and activities, activities outside
        # the rows and their targets
        "coverage": (reverse("coverage"), 9),
        # session, user, user and group permissions, plan, count, meetings, their activities
        "meetings": (reverse("activities:meeting-list"), 8),
        # session, user, permissions, meeting with plan and activities
        "meeting": (meeting.get_absolute_url(), 7),
    }


@pytest.mark.parametrize("page", ["list", "detail", "targets", "target", "coverage", "meetings", "meeting"])
def test_queries_do_not_grow_with_the_data(staff_client, plan, django_assert_max_num_queries, page):
    grow(plan, 3)
    url, most = urls(plan)[page]
    with django_assert_max_num_queries(most) as small:
        assert staff_client.get(url).status_code == 200

    grow(plan, 30)
    url, _ = urls(plan)[page]
    with django_assert_max_num_queries(most) as large:
        assert staff_client.get(url).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)
