import io

import pytest
from django.core.management import CommandError, call_command

from activities.models import Activity, Meeting, StatusChange, Via


def test_demo_data_is_refused_when_debug_is_off(plan, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())

    assert not StatusChange.objects.exists()
    assert not Meeting.objects.exists()


def test_demo_data_is_labelled_and_leaves_the_plans_words_alone(plan, settings, django_user_model):
    settings.DEBUG = True
    words = list(Activity.objects.values_list("title", "text"))

    call_command("seed_demo", stdout=io.StringIO())

    assert Meeting.objects.count() == 3
    assert all(meeting.notes.startswith("[Demo]") for meeting in Meeting.objects.all())
    assert StatusChange.objects.exists()
    assert all(change.note.startswith("[Demo]") for change in StatusChange.objects.all())
    assert set(StatusChange.objects.values_list("via", flat=True)) == {Via.COMMAND}
    owners = django_user_model.objects.filter(owned_activities__isnull=False).distinct()
    assert owners.exists()
    assert all(owner.first_name == "[Demo]" and not owner.has_usable_password() for owner in owners)
    assert list(Activity.objects.values_list("title", "text")) == words


def test_demo_data_is_added_once(plan, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())

    with pytest.raises(CommandError, match="already"):
        call_command("seed_demo", stdout=io.StringIO())
    assert Meeting.objects.count() == 3
