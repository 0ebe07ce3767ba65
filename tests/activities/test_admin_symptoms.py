"""References and owners in admin (issue 11, symptoms 6 and 10)."""

from django.urls import reverse

from activities.models import Reference
from tests.admin_forms import stale_save_is_refused
from tests.conftest import member_of
from tests.factories import UserFactory


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
