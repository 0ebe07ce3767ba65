"""What a private meeting said reaches secretariat staff only: on every page, download, feed and
API answer, generated from the URLconf.

Everything recorded about a private meeting carries a marker: its place, participants and
notes, its review's notes and next steps, and the note of each status it agreed. No response
to an anonymous reader or a focal point may contain the marker, whatever the URL.
"""

import datetime
import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from activities.models import Activity, MeetingKind
from tests.conftest import member_of
from tests.factories import MeetingFactory
from tests.forms import form_data
from tests.urls import concrete_path, routes
from tests.workplan.test_every_url import parameters

MARKER = "ZZPRIVATEZZ"


@pytest.fixture
def private_review(plan, client):
    """A private annual meeting, reviewed by staff: statuses agreed with notes, next steps."""
    discussed = [Activity.objects.get(plan=plan, number=n) for n in (11, 20)]
    meeting = MeetingFactory(
        plan=plan,
        kind=MeetingKind.ANNUAL,
        is_public=False,
        date=datetime.date(2017, 11, 28),
        place=f"{MARKER} place",
        participants=f"{MARKER} participant",
        notes=f"{MARKER} notes",
        activities=discussed,
    )
    client.force_login(member_of("Secretariat staff", "reviewer"))
    url = reverse("activities:meeting-review", args=[meeting.pk])
    data = form_data(client.get(url))
    for activity in discussed:
        data[f"a{activity.pk}-agreed_status"] = "in_progress"
        data[f"a{activity.pk}-note"] = f"{MARKER} review note"
        data[f"a{activity.pk}-next_step"] = f"{MARKER} next step"
    assert client.post(url, data).status_code == 302
    client.logout()
    return {"meeting": meeting, "activity": discussed[0]}


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # a workbook: the text is in its XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as workbook:
            return " ".join(workbook.read(name).decode("utf-8", "replace") for name in workbook.namelist())
    return content.decode("utf-8", "replace")


def readers(django_user_model) -> dict[str, Client]:
    clients = {"anonymous": Client(), "focal": Client(), "staff": Client()}
    clients["focal"].force_login(member_of("Focal points", "focal"))
    clients["staff"].force_login(member_of("Secretariat staff", "staff"))
    return clients


# The last matches the private meeting (its participants) without naming the marker.
QUERIES = ["", "?as_of=2018-12-31", "?start=2016-01-01&end=2030-01-01", "?q=participant"]


def test_no_url_gives_a_private_meetings_words_to_a_reader_who_may_not_read_it(
    private_review, django_user_model
):
    world = {
        "activity": private_review["activity"],
        "meeting": private_review["meeting"],
        "root": django_user_model.objects.create_superuser("root", "root@example.org", None),
    }
    clients = readers(django_user_model)
    seen_by_staff = set()
    for route in routes():
        if route.route.startswith("admin/"):
            continue  # superusers only: the permission matrix checks that
        path = concrete_path(route, parameters(route, world))
        for query in QUERIES:
            for role, client in clients.items():
                response = client.get(path + query)
                if response.status_code != 200:
                    continue
                text = body(response)
                if role == "staff":
                    if MARKER in text:
                        seen_by_staff.add(route.name)
                else:
                    assert MARKER not in text, (role, path + query)
    # The test can fail: staff do read the marker where the pages show it.
    assert {"activities:detail", "activities:meeting-detail", "compare", "search"} <= seen_by_staff
