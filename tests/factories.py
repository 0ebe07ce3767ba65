"""factory-boy factories for tests and for the demo data of `manage.py seed_demo`."""

import datetime

import factory
from django.contrib.auth import get_user_model

from activities.models import Activity, ActivityTarget, Meeting, MeetingKind, Plan, PlanRow, RowTarget, Via
from activities.services import links_changed, record_progress
from targets.models import Framework, Target


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    # Nobody can sign in with a password nobody knows.
    password = factory.django.Password(None)


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"framework-{n}")
    name = factory.LazyAttribute(lambda framework: f"Framework {framework.slug}")
    short_name = factory.LazyAttribute(lambda framework: framework.slug.upper())
    target_label = factory.LazyAttribute(lambda framework: f"{framework.short_name} Target")


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    framework = factory.SubFactory(FrameworkFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        skip_postgeneration_save = True
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"plan-{n}")
    title = factory.LazyAttribute(lambda plan: f"Test plan {plan.slug}")
    start_year = 2016
    end_year = 2018


class PlanRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanRow
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def targets(row, create, extracted, **kwargs):
        for target in extracted or []:
            RowTarget.objects.create(row=row, target=target)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1000)
    title = factory.Faker("sentence", nb_words=5)
    text = factory.Faker("paragraph")

    @factory.post_generation
    def targets(activity, create, extracted, **kwargs):
        for target in extracted or []:
            ActivityTarget.objects.create(activity=activity, target=target)
        if extracted:
            links_changed([activity.pk])

    @factory.post_generation
    def owners(activity, create, extracted, **kwargs):
        if extracted:
            activity.owners.set(extracted)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    kind = MeetingKind.ANNUAL
    date = factory.Faker(
        "date_between", start_date=datetime.date(2016, 1, 1), end_date=datetime.date(2018, 12, 31)
    )
    place = factory.Faker("city")
    participants = factory.Faker("name")
    notes = factory.Faker("paragraph")

    @factory.post_generation
    def activities(meeting, create, extracted, **kwargs):
        if extracted:
            meeting.activities.set(extracted)


def record_status(activity, status, *, by=None, note="", effective_on=None, meeting=None):
    """A status change through the one write path, as a test's setup does it. Returns it."""
    version = Activity.objects.values_list("version", flat=True).get(pk=activity.pk)
    return record_progress(
        activity=activity,
        by=by,
        expected_version=version,
        status=status,
        note=note,
        effective_on=effective_on,
        meeting=meeting,
        via=Via.COMMAND,
    ).status_change
