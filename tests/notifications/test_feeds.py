"""Atom feeds of status changes for the plan, a target and an activity: public information only,
linked from the pages they are about."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from activities.models import Activity, MeetingKind
from targets.models import Target
from tests.conftest import member_of
from tests.factories import MeetingFactory, record_status

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
MARKER = "ZZPRIVATEZZ"


def entries(client, url) -> list[ET.Element]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


@pytest.fixture
def changes(plan):
    recorder = member_of("Secretariat staff", "recorder")
    recorder.first_name, recorder.last_name = "Amina", "Diallo"
    recorder.save()
    target = Target.objects.get_by_natural_key("aichi", 11)
    serving = Activity.objects.filter(plan=plan, targets=target).order_by("number").first()
    other = Activity.objects.filter(plan=plan).exclude(targets=target).order_by("number").first()
    private = MeetingFactory(
        plan=plan, kind=MeetingKind.ANNUAL, is_public=False, date=datetime.date(2017, 11, 28)
    )
    record_status(serving, "in_progress", by=recorder, note="Side event at SBSTTA")
    record_status(other, "planned", by=recorder, note=f"{MARKER} agreed", meeting=private)
    return {"target": target, "serving": serving, "other": other}


def test_the_plan_feed_has_every_change_without_a_private_meetings_notes(client, changes):
    found = entries(client, reverse("notifications:plan-feed"))
    titles = [entry.findtext(f"{ATOM}title") for entry in found]
    assert (
        f"Activity {changes['serving'].number}, {changes['serving'].title}: Not yet reported → In progress"
        in titles
    )
    assert any(f"Activity {changes['other'].number}," in title for title in titles)
    assert MARKER not in client.get(reverse("notifications:plan-feed")).content.decode()
    entry = found[titles.index(next(t for t in titles if f"Activity {changes['serving'].number}," in t))]
    assert "Side event at SBSTTA" in entry.findtext(f"{ATOM}summary")
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Amina Diallo"
    assert entry.find(f"{ATOM}link").get("href").endswith(changes["serving"].get_absolute_url())


def test_staff_get_the_same_public_feed(client, changes):
    client.force_login(member_of("Secretariat staff", "staff"))
    assert MARKER not in client.get(reverse("notifications:plan-feed")).content.decode()


def test_a_target_feed_and_an_activity_feed_hold_only_their_changes(client, changes):
    target = changes["target"]
    target_titles = [
        e.findtext(f"{ATOM}title")
        for e in entries(client, reverse("notifications:target-feed", args=["aichi", 11]))
    ]
    assert len(target_titles) == 1 and changes["serving"].title in target_titles[0]
    activity_titles = [
        e.findtext(f"{ATOM}title")
        for e in entries(client, reverse("notifications:activity-feed", args=[changes["other"].pk]))
    ]
    assert len(activity_titles) == 1 and changes["other"].title in activity_titles[0]
    assert client.get(reverse("notifications:target-feed", args=["aichi", 99])).status_code == 404
    assert client.get(reverse("notifications:activity-feed", args=[999999])).status_code == 404
    assert (
        client.post(reverse("notifications:target-feed", args=[target.framework.slug, 11])).status_code == 405
    )


@pytest.mark.parametrize(
    "page, feed",
    [
        (lambda c: reverse("activities:list"), lambda c: reverse("notifications:plan-feed")),
        (
            lambda c: c["target"].get_absolute_url(),
            lambda c: reverse("notifications:target-feed", args=["aichi", 11]),
        ),
        (
            lambda c: c["serving"].get_absolute_url(),
            lambda c: reverse("notifications:activity-feed", args=[c["serving"].pk]),
        ),
    ],
)
def test_pages_link_to_their_feed(client, changes, page, feed):
    html = client.get(page(changes)).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert f'href="{feed(changes)}"' in html
