import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from activities.models import TARGET_KEY_BASE, Activity, ActivityTarget, PlanRow, Status
from activities.services import links_changed
from targets.models import Target
from tests.factories import ActivityFactory, TargetFactory, UserFactory, record_status

pytestmark = pytest.mark.django_db


def test_an_unknown_status_is_refused_by_the_model_and_by_the_database():
    activity = ActivityFactory()

    with pytest.raises(ValidationError):
        record_status(activity, "finished-ish", by=None)
    activity.status = "finished-ish"
    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert "status" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(status="finished-ish")

    activity.refresh_from_db()
    assert activity.status == Status.NOT_REPORTED
    assert not activity.status_changes.exists()


def test_an_activity_cannot_link_the_same_target_twice():
    target = TargetFactory()
    activity = ActivityFactory(targets=[target])

    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityTarget.objects.create(activity=activity, target=target)
    with pytest.raises(ValidationError):
        ActivityTarget(activity=activity, target=target).validate_constraints()
    assert activity.targets.count() == 1


def test_deleting_a_target_that_activities_serve_is_refused(plan):
    target = Target.objects.get_by_natural_key("aichi", 11)

    with pytest.raises(ProtectedError):
        target.delete()
    assert Target.objects.filter(pk=target.pk).exists()
    assert target.activities.count() == 4


def test_deleting_a_row_that_activities_stand_under_is_refused(plan):
    row = PlanRow.objects.get(plan=plan, position=4)

    with pytest.raises(ProtectedError):
        row.delete()
    assert row.activities.count() == 4


def test_a_target_no_activity_serves_can_be_deleted(plan):
    Target.objects.get_by_natural_key("aichi", 16).delete()

    assert not Target.objects.filter(framework__slug="aichi", number=16).exists()


def test_a_due_date_outside_the_plan_period_is_refused():
    activity = ActivityFactory(due_date=datetime.date(2019, 1, 1))

    with pytest.raises(ValidationError) as error:
        activity.full_clean()
    assert error.value.error_dict["due_date"][0].code == "outside_plan_period"

    activity.due_date = datetime.date(2018, 12, 31)
    activity.full_clean()


def test_a_status_change_is_recorded_with_who_when_and_why():
    activity = ActivityFactory()
    user = UserFactory()

    change = record_status(
        activity, Status.IN_PROGRESS, by=user, note="Workshop held", effective_on=datetime.date(2017, 3, 1)
    )

    activity.refresh_from_db()
    assert activity.status == Status.IN_PROGRESS
    assert (change.old_status, change.new_status) == (Status.NOT_REPORTED, Status.IN_PROGRESS)
    assert (change.changed_by, change.note) == (user, "Workshop held")
    assert change.effective_on == datetime.date(2017, 3, 1)


def test_the_status_on_a_past_date_derives_from_the_history():
    activity = ActivityFactory()
    record_status(activity, Status.PLANNED, by=None, effective_on=datetime.date(2016, 6, 1))
    record_status(activity, Status.IN_PROGRESS, by=None, effective_on=datetime.date(2017, 2, 1))
    record_status(activity, Status.COMPLETED, by=None, effective_on=datetime.date(2018, 5, 1))

    def status_on(day):
        return Activity.objects.with_status_on(day).values_list("status_shown", flat=True).get(pk=activity.pk)

    assert status_on(datetime.date(2016, 1, 1)) == Status.NOT_REPORTED
    assert status_on(datetime.date(2016, 6, 1)) == Status.PLANNED
    assert status_on(datetime.date(2017, 12, 31)) == Status.IN_PROGRESS
    assert status_on(datetime.date(2018, 12, 31)) == Status.COMPLETED


def test_an_activity_with_history_cannot_be_deleted():
    activity = ActivityFactory()
    record_status(activity, Status.PLANNED, by=None)

    with pytest.raises(ProtectedError):
        activity.delete()


def sort_key(activity) -> int | None:
    return Activity.objects.values_list("target_sort_key", flat=True).get(pk=activity.pk)


def test_the_sort_key_is_the_first_target_in_framework_order_then_by_number(plan):
    cms = {n: Target.objects.get_by_natural_key("cms", n) for n in (3, 7, 9)}
    aichi = Target.objects.get_by_natural_key("aichi", 1)
    cms_position, aichi_position = cms[3].framework.position, aichi.framework.position
    activity = ActivityFactory(plan=plan, targets=[cms[7], aichi])
    assert sort_key(activity) == cms_position * TARGET_KEY_BASE + 7

    ActivityTarget.objects.create(activity=activity, target=cms[3])
    links_changed([activity.pk])
    assert sort_key(activity) == cms_position * TARGET_KEY_BASE + 3
    ActivityTarget.objects.filter(activity=activity, target__framework=cms[3].framework).delete()
    links_changed([activity.pk])
    assert sort_key(activity) == aichi_position * TARGET_KEY_BASE + 1
    activity.targets.clear()
    links_changed([activity.pk])
    assert sort_key(activity) is None


def test_the_plan_loads_with_its_sort_keys(plan):
    keys = dict(Activity.objects.filter(plan=plan).values_list("number", "target_sort_key"))
    cms = Target.objects.get_by_natural_key("cms", 5).framework

    assert keys[1] is None  # a cross-cutting commitment
    assert keys[11] == cms.position * TARGET_KEY_BASE + 5
