"""`manage.py send_reminders`, through a real SMTP server: one digest per owner of the
activities not updated since the last annual meeting, from REMINDER_DAYS before the next one,
never twice, and nothing recorded when the mail server fails."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from activities.models import Activity, MeetingKind
from notifications.models import EmailPreferences, SentReminder
from tests.conftest import member_of
from tests.factories import MeetingFactory, record_status
from tests.smtp import free_port, html, links, point_mail_at, text

pytestmark = pytest.mark.django_db

SITE = "https://workplan.example.org"


@pytest.fixture
def setup(plan, settings):
    """Amina owns activities 11 and 12 and updated 12 since the last annual meeting; Maria owns
    13; the next annual meeting is 20 days away."""
    settings.REMINDER_DAYS = [30, 7]
    today = timezone.localdate()
    last = MeetingFactory(plan=plan, kind=MeetingKind.ANNUAL, date=today - datetime.timedelta(days=300))
    following = MeetingFactory(
        plan=plan, kind=MeetingKind.ANNUAL, date=today + datetime.timedelta(days=20), is_public=False
    )
    amina = member_of("Secretariat staff", "amina")
    amina.first_name, amina.email = "Amina", "amina@example.org"
    amina.save()
    maria = member_of("Secretariat staff", "maria")
    activities = {n: Activity.objects.get(plan=plan, number=n) for n in (11, 12, 13, 14)}
    activities[11].owners.add(amina)
    activities[12].owners.add(amina)
    activities[13].owners.add(maria)
    record_status(activities[12], "in_progress", by=amina, note="Workshop held")
    return {"today": today, "last": last, "next": following, "amina": amina, "maria": maria, **activities}


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_each_owner_gets_one_digest_of_their_activities_not_updated_since_the_last_meeting(
    setup, smtp_server
):
    output = run()
    assert "Sent 2 reminder(s)" in output
    assert sorted(m["To"] for m in smtp_server.messages) == ["amina@example.org", "maria@example.org"]
    [message] = smtp_server.to("amina@example.org")
    body = text(message)
    assert setup[11].title in body
    assert setup[12].title not in body  # updated since the last meeting
    assert setup[13].title not in body  # Maria's
    progress = f"{SITE}/activities/{setup[11].pk}/#update-heading"
    assert progress in links(body)
    assert progress in html(message)
    assert setup["next"].date.strftime("%-d %B %Y") in message["Subject"]
    assert "CBD-CMS Joint Work Plan" in message["Subject"]
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith(f"{SITE}/email/unsubscribe/")
    assert unsubscribe in body
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert SentReminder.objects.filter(user=setup["amina"], activity=setup[11]).count() == 1


def test_running_twice_on_one_day_sends_nothing_the_second_time(setup, smtp_server):
    run()
    assert len(smtp_server.messages) == 2
    assert "Every reminder due has been sent" in run()
    assert len(smtp_server.messages) == 2


def test_reminders_start_the_configured_days_before_and_come_again_as_the_meeting_approaches(
    setup, smtp_server
):
    meeting_day = setup["next"].date
    early = meeting_day - datetime.timedelta(days=31)
    assert "reminders start on" in run("--date", early.isoformat())
    assert smtp_server.messages == []
    run("--date", (meeting_day - datetime.timedelta(days=30)).isoformat())
    assert len(smtp_server.messages) == 2
    run("--date", (meeting_day - datetime.timedelta(days=10)).isoformat())
    assert len(smtp_server.messages) == 2
    run("--date", (meeting_day - datetime.timedelta(days=7)).isoformat())
    assert len(smtp_server.messages) == 4
    assert "in 7 days" in text(smtp_server.to("amina@example.org")[-1])


def test_no_future_meeting_no_reminder(setup, smtp_server):
    setup["next"].delete()
    assert "No annual coordination meeting is recorded with a date in the future" in run()
    assert smtp_server.messages == []


def test_a_mail_server_that_is_down_fails_the_command_records_nothing_and_the_next_run_retries(
    setup, smtp_server, settings
):
    port = settings.EMAIL_PORT
    point_mail_at(settings, free_port())
    with pytest.raises(CommandError, match="The mail server failed"):
        run()
    assert SentReminder.objects.count() == 0
    point_mail_at(settings, port)
    run()
    assert len(smtp_server.messages) == 2
    assert SentReminder.objects.count() == 2


def test_a_mail_server_that_refuses_fails_the_command_and_records_nothing(setup, smtp_server):
    smtp_server.refuse = True
    with pytest.raises(CommandError, match="refused"):
        run()
    assert SentReminder.objects.count() == 0
    smtp_server.refuse = False
    run()
    assert len(smtp_server.messages) == 2


def test_a_person_who_declines_reminders_gets_none(setup, smtp_server, client):
    client.force_login(setup["maria"])
    client.post(reverse("notifications:preferences"), {"language": "en"})  # the box left unticked
    assert EmailPreferences.objects.get(user=setup["maria"]).reminders is False
    run()
    assert [m["To"] for m in smtp_server.messages] == ["amina@example.org"]


def test_the_unsubscribe_link_of_a_reminder_stops_reminders_without_signing_in(setup, smtp_server, client):
    run()
    [message] = smtp_server.to("amina@example.org")
    path = message["List-Unsubscribe"].strip().strip("<>").removeprefix(SITE)
    page = client.get(path)
    assert "Stop receiving reminders before the annual coordination meeting?" in page.content.decode()
    assert client.post(path).status_code == 200
    assert EmailPreferences.objects.get(user=setup["amina"]).reminders is False
    tampered = path[:-3] + "xy/"
    assert client.post(tampered).status_code == 400


def test_staff_see_on_the_dashboard_who_the_next_run_would_remind(setup, client):
    client.force_login(setup["maria"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "Reminders the next run would send" in page
    assert "amina@example.org" in page
    assert f'href="/activities/{setup[11].pk}/">11</a>' in page
    assert f'href="/activities/{setup[12].pk}/">12</a>' not in page
    client.force_login(member_of("Focal points", "focal"))
    assert "Reminders the next run would send" not in client.get(reverse("dashboard")).content.decode()
    client.logout()
    assert "amina@example.org" not in client.get(reverse("dashboard")).content.decode()


def test_the_preview_says_when_reminders_start_and_what_was_sent(setup, smtp_server, client, settings):
    client.force_login(setup["maria"])
    run()
    assert "Every reminder due has been sent" in client.get(reverse("dashboard")).content.decode()
    settings.REMINDER_DAYS = [7]
    assert "Reminders start on" in client.get(reverse("dashboard")).content.decode()


def test_the_preview_reads_as_many_queries_however_many_people_it_lists(setup, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(setup["maria"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard"))
    for n in range(5):
        owner = member_of("Secretariat staff", f"owner{n}")
        setup[14].owners.add(owner)
        Activity.objects.get(plan=setup[14].plan, number=15 + n).owners.add(owner)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("dashboard")).content.decode()
    assert "owner4@example.org" in page
    assert len(many.captured_queries) == len(few.captured_queries) <= 14  # the dashboard guard


def test_reminders_are_written_in_the_language_each_person_chose(setup, smtp_server, client):
    client.force_login(setup["amina"])
    client.post("/fr/account/email/", {"reminders": "on", "language": "fr"})
    assert EmailPreferences.objects.get(user=setup["amina"]).language == "fr"
    run()

    [french] = smtp_server.to("amina@example.org")
    [english] = smtp_server.to("maria@example.org")
    with translation.override("fr"):
        update_it = translation.gettext("Update it: %(url)s") % {"url": ""}
    assert update_it.strip() in text(french)
    assert "/fr/activities/" in text(french)
    assert "Update it:" in text(english) and "/fr/" not in text(english)
    assert french["Subject"] != english["Subject"]
