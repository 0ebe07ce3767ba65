"""Permissions come from a user's groups and their own grants, read in one query per request."""

import pytest
from django.contrib.auth.models import Permission

from tests.conftest import member_of
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_user_holds_their_groups_and_their_own_permissions(django_assert_num_queries):
    staff = member_of("Secretariat staff", "staff")
    staff.user_permissions.add(Permission.objects.get(codename="add_reference"))
    staff = type(staff).objects.get(pk=staff.pk)  # no permissions cached

    with django_assert_num_queries(1):
        assert staff.has_perm("activities.update_progress")  # from the group
        assert staff.has_perm("activities.add_reference")  # granted to the user
        assert not staff.has_perm("activities.delete_activity")


@pytest.mark.django_db
def test_a_user_without_groups_or_grants_holds_nothing_and_an_inactive_one_nothing_either():
    assert UserFactory().get_all_permissions() == set()
    inactive = member_of("Secretariat staff", "former")
    inactive.is_active = False
    assert not inactive.has_perm("activities.update_progress")
