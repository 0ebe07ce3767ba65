"""Issue 11, symptom 3: what an activity serves reads the same on every page after an admin edit."""

import csv
import io

from django.urls import reverse

from activities.models import Activity, ActivityTarget, PlanRow, RowActivity, RowTarget
from targets.models import Target
from tests.admin_forms import activity_change_data
from tests.forms import form_data


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


def served(activity) -> set[str]:
    return {str(target) for target in Target.objects.filter(activity_links__activity=activity)}


def test_placing_an_activity_under_a_row_in_its_admin_page_adds_the_rows_targets(admin_client, plan):
    activity = Activity.objects.get(plan=plan, number=12)
    row = PlanRow.objects.get(plan=plan, position=5)
    row_targets = {str(target) for target in row.targets.all()}
    assert row_targets and not row_targets & served(activity)
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    data = form_data(admin_client.get(url), action="")
    total = int(data["rowactivity_set-TOTAL_FORMS"])
    data |= {
        "rowactivity_set-TOTAL_FORMS": str(total + 1),
        f"rowactivity_set-{total}-activity": str(activity.pk),
        f"rowactivity_set-{total}-row": str(row.pk),
        f"rowactivity_set-{total}-position": "0",
    }

    assert admin_client.post(url, data).status_code == 302

    assert row_targets <= served(activity)
    aichi = next(t for t in row.targets.all() if t.framework.slug == "aichi")
    assert 12 in listed(admin_client, aichi=aichi.number)
    assert 12 in cell(
        admin_client, next(t for t in row.targets.all() if t.framework.slug == "cms").number, aichi.number
    )


def test_placing_an_activity_under_a_row_from_the_rows_admin_page_adds_the_rows_targets(admin_client, plan):
    activity = Activity.objects.get(plan=plan, number=1)
    row = PlanRow.objects.get(plan=plan, position=4)
    row_targets = {str(target) for target in row.targets.all()}
    assert not row_targets <= served(activity)
    url = reverse("admin:activities_planrow_change", args=[row.pk])
    data = form_data(admin_client.get(url), action="")
    total = int(data["activity_links-TOTAL_FORMS"])
    data |= {
        "activity_links-TOTAL_FORMS": str(total + 1),
        f"activity_links-{total}-row": str(row.pk),
        f"activity_links-{total}-activity": str(activity.pk),
        f"activity_links-{total}-position": "9",
    }

    assert admin_client.post(url, data).status_code == 302

    assert row_targets <= served(activity)


def test_adding_a_target_to_a_row_adds_it_to_every_activity_under_the_row(admin_client, admin_user, plan):
    row = PlanRow.objects.get(plan=plan, position=4)
    under = list(row.activities.order_by("number"))
    aichi_19 = Target.objects.get_by_natural_key("aichi", 19)
    assert len(under) > 1 and not any("Aichi Target 19" in served(a) for a in under)
    url = reverse("admin:activities_planrow_change", args=[row.pk])
    data = form_data(admin_client.get(url), action="")
    total = int(data["rowtarget_set-TOTAL_FORMS"])
    data |= {
        "rowtarget_set-TOTAL_FORMS": str(total + 1),
        f"rowtarget_set-{total}-row": str(row.pk),
        f"rowtarget_set-{total}-target": str(aichi_19.pk),
    }

    assert admin_client.post(url, data).status_code == 302

    assert all("Aichi Target 19" in served(activity) for activity in under)
    # Every reader of what an activity serves agrees.
    numbers = {a.number for a in under}
    assert numbers <= listed(admin_client, aichi=19)
    assert numbers <= cell(admin_client, 5, 19)  # row 4 pairs Migratory Species Target 5
    target_page = admin_client.get(reverse("target-detail", args=["aichi", 19]))
    assert numbers <= {a.number for a in target_page.context["activities"]}
    api = admin_client.get("/api/activities/", {"aichi": 19, "page_size": 100}).json()["results"]
    assert numbers <= {a["number"] for a in api if 19 in a["aichi_targets"]}
    export = admin_client.get(reverse("activities:export", args=["csv"]), {"aichi": 19})
    rows = csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")))
    assert numbers <= {int(r["Number"]) for r in rows if "19" in r["Aichi Targets"].split(", ")}
    pairing = RowTarget.history.filter(row_id=row.pk, target_id=aichi_19.pk).get()
    assert (pairing.history_type, pairing.history_user) == ("+", admin_user)
    history = admin_client.get(reverse("activities:history", args=[under[0].pk])).text
    assert "added a target" in history and "Aichi Target 19" in history


def test_admin_refuses_to_remove_a_target_that_a_row_the_activity_stays_under_pairs(admin_client, plan):
    activity = Activity.objects.get(plan=plan, number=12)
    aichi_4 = Target.objects.get_by_natural_key("aichi", 4)
    assert list(activity.rows.values_list("position", flat=True)) == [4]
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    data = form_data(admin_client.get(url), action="")
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("activitytarget_set-") and key.endswith("-target") and value == str(aichi_4.pk)
    )

    refused = admin_client.post(url, {**data, f"activitytarget_set-{index}-DELETE": "on"})

    assert refused.status_code == 200
    assert "cannot be removed: Aichi Target 4 (it stays under row 4)" in refused.text
    assert "Aichi Target 4" in served(activity)
    # Taken off the row as well, it may go.
    row_index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("rowactivity_set-") and key.endswith("-row")
    )
    allowed = admin_client.post(
        url, {**data, f"activitytarget_set-{index}-DELETE": "on", f"rowactivity_set-{row_index}-DELETE": "on"}
    )
    assert allowed.status_code == 302
    assert "Aichi Target 4" not in served(activity)
