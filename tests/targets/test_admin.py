"""Frameworks and goals in admin: history kept, stale saves refused (issue 11, symptoms 6 and 7)."""

from http import HTTPStatus

from django.urls import reverse

from targets.models import Framework, Goal
from tests.admin_forms import stale_save_is_refused
from tests.forms import form_data


def test_a_stale_admin_save_of_a_goal_is_refused(admin_client, plan):
    goal = Goal.objects.get_by_natural_key("aichi", "A")
    url = reverse("admin:targets_goal_change", args=[goal.pk])
    stale_save_is_refused(
        admin_client, url, "title", "First title", "Second title", lambda: Goal.objects.get(pk=goal.pk)
    )


def test_a_framework_change_leaves_a_record_and_its_history_page_opens(admin_client, admin_user, plan):
    framework = Framework.objects.get_by_natural_key("aichi")
    url = reverse("admin:targets_framework_change", args=[framework.pk])
    data = form_data(admin_client.get(url), action="")
    before = framework.history.count()

    assert admin_client.post(url, {**data, "name": "Renamed"}).status_code == HTTPStatus.FOUND

    assert framework.history.count() == before + 1
    latest = framework.history.first()
    assert latest.history_user == admin_user
    changes = latest.diff_against(latest.prev_record).changes
    assert [(c.field, c.old, c.new) for c in changes if c.field == "name"] == [
        ("name", data["name"], "Renamed")
    ]
    history = admin_client.get(reverse("admin:targets_framework_history", args=[framework.pk]))
    assert history.status_code == HTTPStatus.OK
    assert "Renamed" in history.text
