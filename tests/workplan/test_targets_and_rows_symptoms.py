"""Issue 11, symptom 3: what an activity serves reads the same on every page after an admin edit."""

from django.urls import reverse

from activities.models import Activity, ActivityTarget, RowActivity
from targets.models import Target
from tests.admin_forms import activity_change_data


def listed(client, **query) -> set[int]:
    response = client.get(reverse("activities:list"), query)
    return {activity.number for activity in response.context["page"].object_list}


def cell(client, cms: int, aichi: int) -> set[int]:
    matrix = client.get(reverse("coverage")).context["matrix"]
    for row, _, cells in matrix:
        if row.number == cms:
            for c in cells:
                if c.column.number == aichi:
                    return {a.number for a in c.activities}
    raise AssertionError((cms, aichi))


def test_the_coverage_matrix_and_the_list_agree_on_every_pair_of_the_plan(client, plan):
    for cms in (5, 6, 8, 10):
        for aichi in (4, 6, 7, 11, 12):
            assert cell(client, cms, aichi) == listed(client, cms=cms, aichi=aichi), (cms, aichi)


def test_an_activity_moved_to_another_target_in_admin_moves_in_the_matrix_and_its_history(admin_client, plan):
    activity = Activity.objects.get(plan=plan, number=19)
    a5, a14 = (Target.objects.get_by_natural_key("aichi", n) for n in (5, 14))
    data = activity_change_data(activity, keep_links=True)
    # The admin takes it off row 8 (which pairs Aichi 5) and changes its Aichi 5 link to Aichi 14.
    row_link = RowActivity.objects.get(activity=activity, row__position=8)
    target_link = ActivityTarget.objects.get(activity=activity, target=a5)
    for key, value in list(data.items()):
        if key.startswith("rowactivity_set-") and key.endswith("-id") and value == row_link.pk:
            data[key.replace("-id", "-DELETE")] = "on"
        if key.startswith("activitytarget_set-") and key.endswith("-id") and value == target_link.pk:
            data[key.replace("-id", "-target")] = a14.pk
    response = admin_client.post(reverse("admin:activities_activity_change", args=[activity.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    assert 19 in listed(admin_client, cms=10, aichi=14)
    assert 19 in cell(admin_client, 10, 14)
    assert 19 not in cell(admin_client, 10, 5)
    assert 19 not in listed(admin_client, cms=10, aichi=5)
    history = admin_client.get(reverse("activities:history", args=[activity.pk])).content.decode()
    assert "Aichi Target 14" in history and "Aichi Target 5" in history
