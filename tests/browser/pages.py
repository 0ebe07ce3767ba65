"""Every page type, with the data each needs, for the accessibility, validity and screenshot checks."""

import datetime
import io

from django.test import Client
from openpyxl import load_workbook

from activities.models import Activity, Meeting, MeetingKind, ReviewItem, Status
from tests.factories import UserFactory, record_status
from tests.spreadsheets import as_bytes, edit

WAITING = "Waiting for the co-sponsors of the Collaborative Partnership on Sustainable Wildlife Management"


def seed_pages(plan) -> dict[str, str]:
    """Give the pages something to show, enough to fill their tables (a status history with
    long notes, several owners with long names, a reviewed meeting, an overdue due date);
    return {page type: path}."""
    activity = Activity.objects.get(plan=plan, number=14)
    owner = UserFactory(username="owner", first_name="Amina", last_name="Diallo")
    others = [
        UserFactory(first_name="Maria Fernanda", last_name="Lopez-Villanueva de Castro"),
        UserFactory(first_name="Bartholomew", last_name="Oyelaran-Fitzgerald"),
    ]
    activity.owners.add(owner, *others)
    Activity.objects.filter(pk=activity.pk).update(due_date=datetime.date(2017, 6, 30))
    record_status(
        activity,
        Status.PLANNED,
        by=others[0],
        note="Agreed in principle; see https://www.cms.int/en/document/joint-work-plan-between-cbd-and-cms-secretariats-2016-2018",
        effective_on=datetime.date(2016, 9, 12),
    )
    record_status(
        activity,
        Status.IN_PROGRESS,
        by=owner,
        note="Joint statement drafted",
        effective_on=datetime.date(2017, 2, 1),
    )
    meeting = Meeting.objects.create(
        plan=plan,
        date=datetime.date(2017, 11, 28),
        place="Bonn",
        participants="Amina Diallo\nMaria Lopez",
        notes="Reviewed the plan.\n\nAgreed next steps.",
        is_public=True,
    )
    meeting.activities.set([activity, Activity.objects.get(plan=plan, number=11)])
    record_status(
        activity,
        Status.ON_HOLD,
        by=others[1],
        note=WAITING,
        effective_on=meeting.date,
        meeting=meeting,
    )
    ReviewItem.objects.create(
        meeting=meeting,
        activity=activity,
        agreed_status=Status.ON_HOLD,
        note=WAITING,
        next_step="Write to the co-sponsors before the next Conference of the Parties",
    )
    Meeting.objects.create(
        plan=plan, kind=MeetingKind.TELECONFERENCE, date=datetime.date(2017, 3, 2), place="Video call"
    ).activities.set([activity])
    return {
        "activity-list": "/",
        "activity-list-filtered": "/?aichi=11&aichi=12&sort=-updated",
        "activity-list-invalid-filter": "/?aichi=99&status=bogus",
        "activity-list-overdue": "/?overdue=true&cms=5",
        "timeline": "/timeline/",
        "timeline-filtered": "/timeline/?aichi=11&aichi=12",
        "search": "/search/?q=marine",
        "activity": activity.get_absolute_url(),
        "activity-history": f"/activities/{activity.pk}/history/",
        "cross-cutting-activity": Activity.objects.get(plan=plan, number=1).get_absolute_url(),
        "target-list": "/targets/",
        "target": "/targets/aichi/11/",
        "target-without-activities": "/targets/cms/3/",
        "coverage": "/coverage/",
        "coverage-as-of": "/coverage/?as_of=2016-12-31",
        "dashboard": "/dashboard/",
        "compare": "/compare/?start=2016-01-01&end=2018-12-31",
        "report": "/report/?as_of=2017-12-31",
        "meeting-review": f"/meetings/{meeting.pk}/review/",
        "meeting-list": "/meetings/",
        "meeting": meeting.get_absolute_url(),
        "meeting-form": "/meetings/new/",
        "import": "/activities/import/",
        "import-preview": "/activities/import/preview/",  # after uploading `import_upload(plan)`
        "sign-in": "/accounts/login/",
        "password-reset": "/accounts/password/reset/",
        "password-reset-sent": "/accounts/password/reset/sent/",
        "password-reset-bad-link": "/accounts/password/reset/MQ/not-a-token/",
        "invitation-bad-link": "/accounts/welcome/MQ/not-a-token/",
        "unsubscribe-bad-link": "/email/unsubscribe/not-a-token/",
        "email-preferences": "/account/email/",
        "not-found": "/no-such-page/",
    }


# Which page types each role can reach (the others redirect to sign-in or are refused).
PAGES_BY_ROLE = {
    None: [
        "dashboard",
        "compare",
        "report",
        "coverage-as-of",
        "activity-list",
        "activity-list-filtered",
        "activity-list-invalid-filter",
        "activity-list-overdue",
        "timeline",
        "timeline-filtered",
        "search",
        "activity",
        "cross-cutting-activity",
        "target-list",
        "target",
        "target-without-activities",
        "coverage",
        "sign-in",
        "password-reset",
        "password-reset-sent",
        "password-reset-bad-link",
        "invitation-bad-link",
        "unsubscribe-bad-link",
        "not-found",
    ],
    "Focal points": [
        "activity-list",
        "activity",
        "timeline",
        "search",
        "meeting-list",
        "meeting",
        "meeting-form",
        "target",
        "email-preferences",
    ],
    "Secretariat staff": [
        "activity-list",
        "activity-list-filtered",
        "activity-list-overdue",
        "timeline",
        "search",
        "activity",
        "activity-history",
        "cross-cutting-activity",
        "target-list",
        "target",
        "coverage",
        "meeting-list",
        "meeting",
        "meeting-form",
        "meeting-review",
        "dashboard",
        "import",
        "import-preview",
        "email-preferences",
        "not-found",
    ],
}
ROLE_NAMES = {
    None: "signed-out",
    "Focal points": "focal-point",
    "Secretariat staff": "staff",
    "admin": "admin",
}


def reachable(role) -> list[str]:
    """Every page type `role` can open: the public ones, and the meetings and staff pages for
    those who may read them (admins: everything)."""
    if role is None:
        return PAGES_BY_ROLE[None]
    public = [name for name in PAGES_BY_ROLE[None] if name != "sign-in"]
    extra = PAGES_BY_ROLE["Secretariat staff" if role == "admin" else role]
    return public + [name for name in extra if name not in public]


# Pages shown only after uploading `import_upload(plan)` on the import page.
UPLOAD_FIRST = {"import-preview"}


def import_upload(plan) -> tuple[str, bytes]:
    """The list's workbook as staff upload it after a meeting: two changes, one row left alone,
    and an activity that someone changed in the tracker after the export (a conflict)."""
    response = Client().get("/activities.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    edit(
        workbook,
        12,
        {
            "Status": "Completed",
            "Status took effect on": datetime.datetime(2017, 11, 28),
            "Note": "Report presented at the annual meeting",
        },
    )
    edit(workbook, 13, {"Due date": datetime.datetime(2018, 6, 30)})
    edit(workbook, 14, {"Status": "Completed", "Note": "Statement adopted"})
    record_status(
        Activity.objects.get(plan=plan, number=14), Status.ON_HOLD, note="Waiting for the co-sponsor's reply"
    )
    return "annual-meeting-2017.xlsx", as_bytes(workbook)
