"""Admins edit the whole plan in Django admin; nobody else gets in."""

import html
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.urls import reverse

from activities.models import Activity, Meeting, PlanRow, Status, StatusChange, Via
from core.versioning import Versioned
from targets.models import Framework, Target
from tests.admin_forms import activity_change_data
from tests.factories import MeetingFactory, UserFactory, record_status
from tests.forms import form_data

MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in {"targets", "activities"}),
    key=lambda model: model._meta.label,
)


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.fixture
def populated(plan, admin_user):
    activity = Activity.objects.get(plan=plan, number=12)
    record_status(activity, Status.PLANNED, by=admin_user, note="Side event at SBSTTA-20")
    MeetingFactory(plan=plan, activities=[activity])
    return plan


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_each_changelist_add_and_change_page_renders_for_an_admin(admin_client, populated, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == HTTPStatus.OK
    add = admin_client.get(admin_url(model, "add"))
    assert add.status_code == (HTTPStatus.FORBIDDEN if model is StatusChange else HTTPStatus.OK)
    obj = model.objects.first()
    assert obj is not None, f"no {model._meta.verbose_name} to open"
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == HTTPStatus.OK


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_a_signed_in_user_who_is_not_staff_is_refused(client, populated, model):
    client.force_login(UserFactory())

    response = client.get(admin_url(model, "changelist"))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("admin:login"))


def test_activity_changelist_filters_by_target_and_lists_in_plan_order(admin_client, plan):
    aichi_11 = Target.objects.get_by_natural_key("aichi", 11)

    response = admin_client.get(admin_url(Activity, "changelist"), {"targets__id__exact": aichi_11.pk})

    numbers = [activity.number for activity in response.context["cl"].result_list]
    assert numbers == [19, 20, 21, 22]
    assert "Aichi 11" in response.text


def test_target_changelist_reads_like_the_interface_and_orders_by_number(admin_client, plan):
    aichi = Framework.objects.get(slug="aichi")

    response = admin_client.get(admin_url(Target, "changelist"), {"framework__id__exact": aichi.pk})

    labels = [str(target) for target in response.context["cl"].result_list]
    assert labels == [f"Aichi Target {n}" for n in range(1, 21)]


def test_deleting_a_used_target_in_admin_is_refused_with_a_message(admin_client, plan):
    target = Target.objects.get_by_natural_key("cms", 5)
    url = admin_url(Target, "delete", target.pk)

    page = admin_client.get(url)
    admin_client.post(url, {"post": "yes"})

    assert "would require deleting the following protected related objects" in page.text
    assert Target.objects.filter(pk=target.pk).exists()


def test_deleting_a_used_row_in_admin_is_refused(admin_client, plan):
    row = PlanRow.objects.get(plan=plan, position=1)

    page = admin_client.get(admin_url(PlanRow, "delete", row.pk))
    admin_client.post(admin_url(PlanRow, "delete", row.pk), {"post": "yes"})

    assert "protected related objects" in page.text
    assert PlanRow.objects.filter(pk=row.pk).exists()


def test_adding_an_activity_in_admin_links_it_to_targets(admin_client, plan):
    aichi_11, cms_10 = (
        Target.objects.get_by_natural_key("aichi", 11),
        Target.objects.get_by_natural_key("cms", 10),
    )
    new = Activity(
        plan=plan, number=29, title="Joint webinar on protected areas", text="Hold a joint webinar."
    )

    response = admin_client.post(
        admin_url(Activity, "add"),
        activity_change_data(
            new,
            **{
                "activitytarget_set-TOTAL_FORMS": 2,
                "activitytarget_set-0-target": aichi_11.pk,
                "activitytarget_set-1-target": cms_10.pk,
            },
        ),
    )

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    created = Activity.objects.get(plan=plan, number=29)
    assert set(created.targets.all()) == {aichi_11, cms_10}


def test_linking_the_same_target_twice_in_admin_is_a_form_error(admin_client, plan):
    activity = Activity.objects.get(plan=plan, number=20)
    aichi_11 = Target.objects.get_by_natural_key("aichi", 11)
    links = activity.activitytarget_set.count()
    data = activity_change_data(activity, keep_links=True)
    data.update(
        {"activitytarget_set-TOTAL_FORMS": links + 1, f"activitytarget_set-{links}-target": aichi_11.pk}
    )

    response = admin_client.post(admin_url(Activity, "change", activity.pk), data)

    assert response.status_code == HTTPStatus.OK
    assert "Please correct the duplicate data" in response.text
    assert activity.targets.count() == links


def test_a_status_changed_in_admin_is_recorded_in_the_history(admin_client, admin_user, plan):
    activity = Activity.objects.get(plan=plan, number=4)
    data = activity_change_data(activity, keep_links=True, status=Status.COMPLETED)
    links = activity.activitytarget_set.count()

    response = admin_client.post(admin_url(Activity, "change", activity.pk), data)

    assert response.status_code == HTTPStatus.FOUND
    change = activity.status_changes.get()
    assert (change.old_status, change.new_status, change.changed_by, change.via) == (
        Status.NOT_REPORTED,
        Status.COMPLETED,
        admin_user,
        Via.ADMIN,
    )
    assert activity.targets.count() == links
    made_in_admin = admin_client.get(admin_url(StatusChange, "changelist"), {"via__exact": Via.ADMIN})
    made_on_the_page = admin_client.get(admin_url(StatusChange, "changelist"), {"via__exact": Via.WEB})
    assert list(made_in_admin.context["cl"].result_list) == [change]
    assert '<td class="field-via">Django admin</td>' in made_in_admin.text
    assert list(made_on_the_page.context["cl"].result_list) == []


def test_history_cannot_be_edited_or_deleted_in_admin(admin_client, populated):
    change = StatusChange.objects.get()

    admin_client.post(admin_url(StatusChange, "change", change.pk), {"note": "rewritten"})
    response = admin_client.post(admin_url(StatusChange, "delete", change.pk), {"post": "yes"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    change.refresh_from_db()
    assert change.note == "Side event at SBSTTA-20"


def test_meeting_admin_records_the_activities_discussed(admin_client, plan):
    activities = list(Activity.objects.filter(plan=plan, number__in=[3, 14]))

    response = admin_client.post(
        admin_url(Meeting, "add"),
        {
            "plan": plan.pk,
            "kind": "annual",
            "date": "2017-05-10",
            "place": "Bonn",
            "participants": "",
            "notes": "Reviewed progress.",
            "seen_version": 0,
            "activities": [activity.pk for activity in activities],
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    assert set(Meeting.objects.get().activities.all()) == set(activities)


# For each versioned record admin edits: a field to change, and how to find a record of it.
VERSIONED_EDITS = {
    "activities.Secretariat": "name",
    "activities.Plan": "title",
    "activities.PlanRow": "position",
    "activities.Reference": "title",
    "activities.Activity": "title",
    "activities.Meeting": "place",
    "targets.Framework": "name",
    "targets.Goal": "title",
    "targets.Target": "short_title",
}
VERSIONED = sorted(
    (model for model in admin.site._registry if issubclass(model, Versioned)), key=lambda m: m._meta.label
)


def test_every_versioned_record_in_admin_is_covered_by_the_stale_save_test():
    assert sorted(model._meta.label for model in VERSIONED) == sorted(VERSIONED_EDITS)


@pytest.mark.parametrize("model", VERSIONED, ids=lambda model: model._meta.label)
def test_a_second_admins_stale_save_is_refused_naming_who_changed_what(
    admin_client, client, django_user_model, plan, model
):
    MeetingFactory(plan=plan)
    obj = model.objects.order_by("pk").first()
    field = VERSIONED_EDITS[model._meta.label]
    first, second = ("90", "91") if field == "position" else ("First value", "Second value")
    old = str(getattr(obj, field))
    old = old if len(old) <= 120 else old[:117] + "..."  # the message shortens long values
    url = admin_url(model, "change", obj.pk)
    bea = django_user_model.objects.create_superuser(
        "bea", "bea@example.org", None, first_name="Bea", last_name="Second"
    )
    client.force_login(bea)
    opened_by_admin = form_data(admin_client.get(url), action="")
    opened_by_bea = form_data(client.get(url), action="")

    saved = client.post(url, {**opened_by_bea, field: first})
    assert saved.status_code == HTTPStatus.FOUND, saved.text[:3000]
    refused = admin_client.post(url, {**opened_by_admin, field: second})

    assert refused.status_code == HTTPStatus.OK
    text = html.unescape(refused.text)
    assert f"Someone else changed this {model._meta.verbose_name} since you opened it" in text
    assert "Bea Second changed it on" in text
    label = model._meta.get_field(field).verbose_name
    assert f"{label}: “{old}” → “{first}”" in text
    assert str(getattr(model.objects.get(pk=obj.pk), field)) == first
