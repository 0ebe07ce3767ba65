"""Password reset, invitation and following, in a real browser, with the messages read from a
real SMTP server."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from activities.models import Activity
from notifications.models import Follow
from tests.browser.conftest import screenshot, sign_in
from tests.factories import record_status
from tests.smtp import links, text

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "amber kites over the harbour"
NARROW = {"width": 320, "height": 740}  # the narrowest phones


def set_password(page, password=PASSWORD):
    page.get_by_label(re.compile(r"^New password:?$")).fill(password)
    page.get_by_label("New password confirmation").fill(password)
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is set")


def test_a_person_resets_a_forgotten_password_from_the_sign_in_page(
    live_server, live_plan, make_user, new_page, smtp_server, settings
):
    settings.SITE_URL = live_server.url
    make_user("amina", "Focal points", email="amina@example.org")
    page = new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    screenshot(page, "password-reset-anonymous-desktop")
    page.get_by_label("Email").fill("amina@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    [message] = smtp_server.messages
    link = next(link for link in links(text(message)) if "/accounts/password/reset/" in link)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    set_password(page)
    page.get_by_role("link", name="Sign in").last.click()
    sign_in(page, live_server.url, "amina", PASSWORD)
    expect(page.get_by_text("Signed in as")).to_be_visible()

    used = new_page(viewport=NARROW)
    used.goto(link)
    expect(used.get_by_role("heading", level=1)).to_have_text("This link does not work")
    screenshot(used, "password-reset-used-link-anonymous-320")


def test_an_admin_invites_a_colleague_who_sets_their_own_password(
    live_server, live_plan, make_user, new_page, smtp_server, settings, django_user_model
):
    settings.SITE_URL = live_server.url
    _, admin_password = make_user("root", "admin")
    django_user_model.objects.create_user("maria", "maria@example.org", None, first_name="Maria")
    page = new_page()
    sign_in(page, live_server.url, "root", admin_password)
    page.goto(f"{live_server.url}/admin/auth/user/")
    page.get_by_role("checkbox", name="Select this object for an action - maria").check()
    page.get_by_role("combobox", name=re.compile("^Action")).select_option(label="Send invitation")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("Invitation sent to maria")).to_be_visible()

    [message] = smtp_server.messages
    assert message["To"] == "maria@example.org"
    link = next(link for link in links(text(message)) if "/accounts/welcome/" in link)
    invited = new_page()
    invited.goto(link)
    expect(invited.get_by_role("heading", level=1)).to_have_text("Welcome, Maria")
    set_password(invited)
    sign_in(invited, live_server.url, "maria", PASSWORD)
    expect(invited.get_by_text("Signed in as")).to_be_visible()


def test_a_focal_point_follows_an_activity_hears_of_a_change_and_unsubscribes(
    live_server, live_plan, make_user, new_page, smtp_server, settings
):
    settings.SITE_URL = live_server.url
    _, password = make_user("focal", "Focal points", email="focal@example.org")
    activity = Activity.objects.get(plan=live_plan, number=11)
    page = new_page()
    sign_in(page, live_server.url, "focal", password)
    page.goto(live_server.url + activity.get_absolute_url())
    follow = page.get_by_role("region", name="Follow this activity")
    follow.get_by_label("Send me").select_option(label="A message at each change")
    follow.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("status").first).to_contain_text(f"You follow Activity {activity.number}")
    expect(page.get_by_role("region", name="Follow this activity")).to_contain_text(
        "You follow this activity: a message at each change"
    )

    record_status(activity, "in_progress", note="Workshop held in Bonn")
    call_command("send_updates", stdout=io.StringIO())
    [message] = smtp_server.messages
    assert "Workshop held in Bonn" in text(message)

    page.get_by_role("link", name="Email preferences").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Email preferences")
    screenshot(page, "email-preferences-focal-desktop")
    phone = new_page(viewport=NARROW)
    sign_in(phone, live_server.url, "focal", password)
    phone.goto(f"{live_server.url}/account/email/")
    screenshot(phone, "email-preferences-focal-320")

    reader = new_page()
    reader.goto(message["List-Unsubscribe"].strip().strip("<>"))
    reader.get_by_role("button", name="Unsubscribe").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Unsubscribed")
    assert not Follow.objects.exists()
