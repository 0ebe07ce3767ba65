"""Issue 11, symptoms 6, 7 and 10: every model people edit in admin has history and refuses a
stale save; the owner field offers secretariat staff only."""

from http import HTTPStatus

from django.urls import reverse

from activities.models import Reference
from targets.models import Framework, Goal
from tests.conftest import member_of
from tests.factories import UserFactory
from tests.forms import form_data


def stale_save_is_refused(admin_client, url, field, first_value, second_value, reload):
    opened = form_data(admin_client.get(url), action="")
    assert admin_client.post(url, {**opened, field: first_value}).status_code == HTTPStatus.FOUND
    response = admin_client.post(url, {**opened, field: second_value})
    assert response.status_code == HTTPStatus.OK
    assert "since you opened it" in response.content.decode()
    assert getattr(reload(), field) == first_value


def test_a_stale_admin_save_of_a_reference_is_refused(admin_client, plan):
    reference = Reference.objects.first()
    url = reverse("admin:activities_reference_change", args=[reference.pk])
    stale_save_is_refused(
        admin_client,
        url,
        "title",
        "First title",
        "Second title",
        lambda: Reference.objects.get(pk=reference.pk),
    )


def test_a_stale_admin_save_of_a_goal_is_refused(admin_client, plan):
    goal = Goal.objects.get_by_natural_key("aichi", "A")
    url = reverse("admin:targets_goal_change", args=[goal.pk])
    stale_save_is_refused(
        admin_client, url, "title", "First title", "Second title", lambda: Goal.objects.get(pk=goal.pk)
    )


def test_a_framework_change_leaves_a_record_and_its_history_page_opens(admin_client, plan):
    framework = Framework.objects.get_by_natural_key("aichi")
    url = reverse("admin:targets_framework_change", args=[framework.pk])
    data = form_data(admin_client.get(url), action="")
    assert admin_client.post(url, {**data, "name": "Renamed"}).status_code == HTTPStatus.FOUND
    history = admin_client.get(reverse("admin:targets_framework_history", args=[framework.pk]))
    assert history.status_code == HTTPStatus.OK
    assert framework.history.count() >= 1


def test_the_owner_autocomplete_offers_secretariat_staff_only(admin_client, plan):
    staff = member_of("Secretariat staff", "staffer")
    focal = member_of("Focal points", "focal")
    UserFactory(username="nobody")
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "activities", "model_name": "activity", "field_name": "owners", "term": ""},
    )
    offered = {int(item["id"]) for item in response.json()["results"]}
    assert staff.pk in offered
    assert focal.pk not in offered
    assert not offered - {staff.pk}
