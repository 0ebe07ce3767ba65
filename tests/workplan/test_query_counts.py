"""Each page's queries stay the same whatever the number of activities, targets, owners or records."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Activity, Status
from targets.models import Target
from tests.conftest import member_of
from tests.factories import ActivityFactory, MeetingFactory, UserFactory, record_status


def grow(plan, extra: int):
    """Add activities with targets, owners, history and meetings to the loaded plan."""
    targets = list(Target.objects.all())
    owners = [UserFactory() for _ in range(3)]
    for i in range(extra):
        activity = ActivityFactory(
            plan=plan, targets=targets[i % 30 : i % 30 + 3], owners=owners[: i % 3 + 1]
        )
        record_status(activity, Status.PLANNED, by=owners[0], note="planned")
        record_status(activity, Status.IN_PROGRESS, by=owners[1])
    MeetingFactory(
        plan=plan,
        is_public=True,
        date=datetime.date(2016, 6, 1),
        activities=list(Activity.objects.all()[:extra]),
    )


def consume(response):
    assert response.status_code == 200
    if response.streaming:
        b"".join(response.streaming_content)


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
        # session, user, permissions, activity, its targets, rows with their targets' labels,
        # owners, references, status history, owner choices for the form, meetings, whether the
        # reader follows it
        "detail": (activity.get_absolute_url(), 11),
        # session, user, permissions, activity, its records, their owners and citations,
        # target links, row links
        "history": (reverse("activities:history", args=[activity.pk]), 9),
        # session, user, plan, frameworks, targets with counts
        "targets": (reverse("target-list"), 6),
        # session, user, plan, target, paired targets, count, a page of activities with
        # targets and owners, whether the reader follows it
        "target": (Target.objects.get_by_natural_key("aichi", 11).get_absolute_url(), 10),
        # session, user, plan, its frameworks, targets, the plan's pairs, the cells counted in
        # SQL, the activities they list
        "coverage": (reverse("coverage"), 8),
        # session, user, user and group permissions, plan, count, meetings, their activities
        "meetings": (reverse("activities:meeting-list"), 8),
        # session, user, permissions, plan, by status, by lead, by target, targets, last annual
        # meeting the reader may see, activities not updated since, overdue activities; for
        # staff, the reminders' preview: the next annual meeting and, once reminders have
        # started, the last one and the owners to remind (with what was sent)
        "dashboard": (reverse("dashboard") + "?as_of=2017-12-31", 14),
        # session, user, permissions, plan, targets for the filter form, owner choices, the
        # activities, their rows with their targets' labels, their status changes, the meetings
        "timeline": (reverse("timeline") + "?aichi=11&aichi=12&aichi=5", 10),
        # session, user, permissions, plan, activities, meetings, references with the
        # activities citing them
        "search": (reverse("search") + "?q=the", 8),
        # session, user, plan, annual meetings, activities that moved with their changes
        "compare": (reverse("compare") + "?start=2016-01-01&end=2030-01-01", 7),
        # session, user, permissions, plan, targets, owners the filter accepts, the activities with
        # their targets and owners (a transaction's savepoint around the streamed read)
        "csv": (reverse("activities:export", args=["csv"]) + "?sort=status", 8),
        "xlsx": (reverse("activities:export", args=["xlsx"]), 8),
        # the dashboard's queries, then rows with targets and activities with owners, commitments
        "report": (reverse("report"), 22),
        # session, user, permissions, meeting with plan, activities, review and status changes
        "meeting": (meeting.get_absolute_url(), 9),
    }


PAGES = [
    "list",
    "detail",
    "history",
    "targets",
    "target",
    "coverage",
    "meetings",
    "meeting",
    "dashboard",
    "timeline",
    "search",
    "compare",
    "csv",
    "xlsx",
    "report",
]


@pytest.mark.parametrize("page", PAGES)
def test_queries_do_not_grow_with_the_data(staff_client, plan, django_assert_max_num_queries, page):
    grow(plan, 3)
    url, most = urls(plan)[page]
    with django_assert_max_num_queries(most) as small:
        consume(staff_client.get(url))

    grow(plan, 30)
    url, _ = urls(plan)[page]
    with django_assert_max_num_queries(most) as large:
        consume(staff_client.get(url))

    assert len(large.captured_queries) == len(small.captured_queries)
