"""Following an activity, a target or the whole plan: a message at each change or a daily
digest, through a real SMTP server, as the follower may read the changes; unsubscribing by a
signed link."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from activities.models import Activity, MeetingKind
from notifications.models import Follow, Frequency
from targets.models import Target
from tests.conftest import member_of
from tests.factories import MeetingFactory, record_status
from tests.smtp import free_port, html, point_mail_at, text

pytestmark = pytest.mark.django_db

SITE = "https://workplan.example.org"
MARKER = "ZZPRIVATEZZ"


@pytest.fixture
def people():
    focal = member_of("Focal points", "focal")
    staff = member_of("Secretariat staff", "staff")
    recorder = member_of("Secretariat staff", "recorder")
    recorder.first_name, recorder.last_name = "Amina", "Diallo"
    recorder.save()
    return {"focal": focal, "staff": staff, "recorder": recorder}


def follow(client, user, what, frequency="daily", action="follow"):
    client.force_login(user)
    return client.post(
        reverse("notifications:follow"),
        {"what": what, "frequency": frequency, "action": action, "next": "/"},
    )


def send(*args) -> str:
    out = io.StringIO()
    call_command("send_updates", *args, stdout=out)
    return out.getvalue()


def test_a_daily_digest_lists_each_change_with_old_and_new_status_note_who_and_when(
    plan, people, client, smtp_server
):
    activity = Activity.objects.get(plan=plan, number=11)
    record_status(activity, "planned", by=people["recorder"], note="Before following")
    assert follow(client, people["focal"], f"activity:{activity.pk}").status_code == 302
    record_status(activity, "in_progress", by=people["recorder"], note="Workshop held in Bonn")
    record_status(activity, "completed", by=people["recorder"], note="Report published")

    assert send() == "Sent 0 message(s).\n"  # the digest is not the message-per-change run
    send("--digest")
    [message] = smtp_server.messages
    assert message["To"] == people["focal"].email
    assert "2 status changes" in message["Subject"]
    body = text(message)
    assert "Planned -> In progress" in body
    assert "In progress -> Completed" in body
    assert "Workshop held in Bonn" in body and "Report published" in body
    assert "Before following" not in body
    assert "by Amina Diallo" in body
    assert datetime.date.today().strftime("%-d %B %Y") in body
    assert f"{SITE}/activities/{activity.pk}/" in body
    assert "Workshop held in Bonn" in html(message)
    assert message["List-Unsubscribe"].strip().startswith(f"<{SITE}/email/unsubscribe/")

    send("--digest")
    assert len(smtp_server.messages) == 1  # never twice


def test_a_message_at_each_change_for_a_target_and_the_whole_plan(plan, people, client, smtp_server):
    target = Target.objects.get_by_natural_key("aichi", 11)
    follow(client, people["focal"], f"target:{target.pk}", frequency="immediate")
    follow(client, people["staff"], f"plan:{plan.pk}", frequency="immediate")
    serving = Activity.objects.filter(plan=plan, targets=target).first()
    elsewhere = Activity.objects.filter(plan=plan).exclude(targets=target).first()
    record_status(serving, "planned", by=people["recorder"])
    record_status(elsewhere, "planned", by=people["recorder"])

    assert "Sent 3 message(s)" in send()
    assert len(smtp_server.to(people["focal"].email)) == 1
    assert serving.title in text(smtp_server.to(people["focal"].email)[0])
    assert len(smtp_server.to(people["staff"].email)) == 2
    assert "Sent 0 message(s)" in send()


def test_a_focal_point_never_receives_a_private_meetings_notes(plan, people, client, smtp_server):
    activity = Activity.objects.get(plan=plan, number=11)
    private = MeetingFactory(
        plan=plan, kind=MeetingKind.ANNUAL, is_public=False, date=datetime.date(2017, 11, 28), notes=MARKER
    )
    follow(client, people["focal"], f"activity:{activity.pk}")
    follow(client, people["staff"], f"activity:{activity.pk}")
    record_status(activity, "in_progress", by=people["recorder"], note=f"{MARKER} agreed", meeting=private)
    send("--digest")
    focal_message = smtp_server.to(people["focal"].email)[0]
    staff_message = smtp_server.to(people["staff"].email)[0]
    assert "Not yet reported -> In progress" in text(focal_message)
    assert MARKER not in focal_message.as_string()
    assert MARKER in text(staff_message)


def test_changing_how_and_stopping_following(plan, people, client):
    activity = Activity.objects.get(plan=plan, number=11)
    follow(client, people["focal"], f"activity:{activity.pk}")
    follow(client, people["focal"], f"activity:{activity.pk}", frequency="immediate")
    assert Follow.objects.get(user=people["focal"]).frequency == Frequency.IMMEDIATE
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "You follow this activity: <strong>a message at each change</strong>" in page
    follow(client, people["focal"], f"activity:{activity.pk}", action="unfollow")
    assert not Follow.objects.exists()
    assert "Get an email when its status changes." in client.get(activity.get_absolute_url()).content.decode()


def test_following_needs_signing_in_and_something_that_exists(plan, people, client):
    response = client.post(reverse("notifications:follow"), {"what": "plan:1", "frequency": "daily"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    follow(client, people["focal"], "activity:999999")
    follow(client, people["focal"], "user:1")
    follow(client, people["focal"], "activity:1", frequency="hourly")
    assert not Follow.objects.exists()
    response = follow(client, people["focal"], f"plan:{plan.pk}")
    response = client.post(
        reverse("notifications:follow"),
        {"what": f"plan:{plan.pk}", "frequency": "daily", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("notifications:preferences")


def test_one_click_unsubscribe_stops_the_messages_and_a_tampered_token_changes_nothing(
    plan, people, client, smtp_server
):
    activity = Activity.objects.get(plan=plan, number=11)
    follow(client, people["focal"], f"activity:{activity.pk}")
    record_status(activity, "planned", by=people["recorder"])
    send("--digest")
    [message] = smtp_server.messages
    client.logout()
    link = message["List-Unsubscribe"].strip().strip("<>")
    path = link.removeprefix(SITE)
    tampered = path[:-4] + "abc/"
    assert client.post(tampered).status_code == 400
    assert "not valid" in client.get(tampered).content.decode()
    assert Follow.objects.count() == 1
    assert "Stop receiving the messages about what you follow?" in client.get(path).content.decode()
    assert Follow.objects.count() == 1  # opening the link changes nothing
    # A mail reader's one-click POST (RFC 8058) carries no CSRF token.
    from django.test import Client

    reader = Client(enforce_csrf_checks=True)
    response = reader.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Unsubscribed" in response.content.decode()
    assert not Follow.objects.exists()


def test_stop_following_one_thing_from_the_digest(plan, people, client, smtp_server):
    first, second = Activity.objects.filter(plan=plan).order_by("number")[:2]
    follow(client, people["focal"], f"activity:{first.pk}")
    follow(client, people["focal"], f"activity:{second.pk}")
    record_status(first, "planned")
    send("--digest")
    stops = [line for line in text(smtp_server.messages[0]).splitlines() if "(stop: " in line]
    assert len(stops) == 2
    stop = next(line for line in stops if first.title in line).split("(stop: ")[1].rstrip(")")
    client.logout()
    client.post(stop.removeprefix(SITE))
    assert list(Follow.objects.values_list("activity", flat=True)) == [second.pk]


def test_a_mail_server_failure_leaves_the_changes_pending(plan, people, client, smtp_server, settings):
    activity = Activity.objects.get(plan=plan, number=11)
    follow(client, people["focal"], f"activity:{activity.pk}", frequency="immediate")
    record_status(activity, "planned")
    port = settings.EMAIL_PORT
    point_mail_at(settings, free_port())
    with pytest.raises(CommandError, match="The mail server failed"):
        send()
    point_mail_at(settings, port)
    smtp_server.refuse = True
    with pytest.raises(CommandError, match="refused"):
        send()
    smtp_server.refuse = False
    send()
    assert len(smtp_server.messages) == 1
    send()
    assert len(smtp_server.messages) == 1


def test_the_email_preferences_page_lists_follows_and_follows_the_plan(plan, people, client):
    client.force_login(people["focal"])
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "You follow nothing yet" in page
    assert "Follow the plan" in page
    follow(client, people["focal"], f"plan:{plan.pk}")
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "the whole plan" in page
    assert "Follow the plan" not in page
    assert "Email preferences" in client.get("/").content.decode()
