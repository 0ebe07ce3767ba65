"""A framework added as data, with no code change, is on every page type, in the downloads, in
the API and its schema, on the dashboard and in the coverage matrix, and filters the list."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Activity, ActivityTarget
from activities.services import links_changed
from targets.models import Framework, Goal, Target
from tests.conftest import member_of
from tests.factories import MeetingFactory, TargetFactory, record_status
from tests.spreadsheets import columns, records
from tests.workplan.test_query_counts import urls


@pytest.fixture
def third(plan):
    """A third framework with a goal and three targets, in the plan, serving activities 11 and 20."""
    framework = Framework.objects.create(
        slug="ocean-plan",
        name="Ocean Plan 2030",
        short_name="OP",
        target_label="Ocean Target",
        targets_label="Ocean Targets",
        goal_label="Ambition",
        list_key="ocean_targets",
        position=3,
    )
    goal = Goal.objects.create(framework=framework, code="X", title="Healthy oceans")
    targets = [
        TargetFactory(
            framework=framework, goal=goal, number=n, short_title=f"Ocean short {n}", text=f"Ocean text {n}"
        )
        for n in (1, 2, 3)
    ]
    plan.frameworks.add(framework)
    for number, target in ((11, targets[0]), (20, targets[0]), (20, targets[2])):
        activity = Activity.objects.get(plan=plan, number=number)
        ActivityTarget.objects.create(activity=activity, target=target)
    links_changed()
    return framework


def test_the_list_filters_by_the_new_framework_and_shows_its_tags(client, third):
    response = client.get(reverse("activities:list"), {"ocean-plan": "1"})
    assert [a.number for a in response.context["page"]] == [11, 20]
    assert "Ocean Targets" in response.text and "OP 1" in response.text
    both = client.get(reverse("activities:list"), {"ocean-plan": "3", "aichi": "11"})
    assert [a.number for a in both.context["page"]] == [20]
    # Today's addresses mean what they meant.
    assert [a.number for a in client.get("/?cms=5&aichi=4").context["page"]] == [11, 12, 13, 14]
    assert client.get(reverse("activities:list"), {"ocean-plan": "9"}).status_code == 400


def test_every_page_type_shows_the_new_framework(client, plan, third):
    activity = Activity.objects.get(plan=plan, number=20)
    target = Target.objects.get(framework=third, number=1)
    assert "Ocean Target 1" in client.get(activity.get_absolute_url()).text
    page = client.get(target.get_absolute_url())
    assert "Ocean text 1" in page.text and [a.number for a in page.context["page"]] == [11, 20]
    targets = client.get(reverse("target-list")).text
    assert "Ocean Targets" in targets and "Ambition X" in targets
    dashboard = client.get(reverse("dashboard"))
    assert third in [framework for framework, _ in dashboard.context["frameworks"]]
    coverage = client.get(reverse("coverage"), {"rows": "ocean-plan", "columns": "aichi"})
    cells = {
        (r.number, c.column.number): {a.number for a in c.activities}
        for r, _, cs in coverage.context["matrix"]
        for c in cs
    }
    assert cells[(3, 11)] == {20} and cells[(1, 11)] == {20}
    assert client.get(reverse("coverage"), {"rows": "ocean-plan", "columns": "ocean-plan"}).status_code == 400
    assert "Serves CMS 10, Aichi 5, Aichi 11, Aichi 14, OP 1, OP 3" not in client.get(reverse("report")).text
    assert "OP 1, OP 3" in client.get(reverse("report")).text


def test_the_downloads_have_a_column_for_the_new_framework(client, third):
    rows = list(
        csv.reader(io.StringIO(b"".join(client.get("/activities.csv").streaming_content).decode("utf-8-sig")))
    )
    header = rows[0]
    assert "Ocean Targets" in header
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number["20"][header.index("Ocean Targets")] == "1, 3"
    workbook = load_workbook(io.BytesIO(client.get("/activities.xlsx").content))
    assert "Ocean Targets" in columns(workbook["Activities"])
    assert "Ocean Target 3" in {row["Target"] for row in records(workbook["Targets"])}


def test_the_api_lists_and_filters_by_the_new_framework_and_its_schema_says_so(client, third):
    found = client.get("/api/activities/", {"ocean-plan": "3"}).json()["results"]
    assert [(a["number"], a["ocean_targets"]) for a in found] == [(20, [1, 3])]
    assert "aichi_targets" in found[0] and "migratory_species_targets" in found[0]
    row = client.get("/api/rows/1/").json()
    assert row["ocean_targets"] == [] and row["migratory_species_targets"] == [1]
    schema = client.get("/api/schema/").content.decode()
    assert "ocean_targets" in schema and "name: ocean-plan" in schema
    assert client.get("/api/activities/", {"ocean-plan": "99"}).status_code == 400


def test_export_plan_lists_the_new_framework(plan, third):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("export_plan", stdout=out)
    assert (
        '"ocean_targets": [\n        1,\n        3\n      ]' in out.getvalue()
        or '"ocean_targets"' in out.getvalue()
    )


def test_queries_stay_flat_with_three_frameworks(client, django_assert_max_num_queries, plan, third):
    MeetingFactory(plan=plan, is_public=True)
    record_status(Activity.objects.get(plan=plan, number=20), "planned")
    client.force_login(member_of("Secretariat staff", "staff"))
    for name, (url, most) in urls(plan).items():
        with django_assert_max_num_queries(most):
            response = client.get(url)
        assert response.status_code in (200, 302), name


def test_no_code_spells_a_frameworks_slug():
    """The frameworks are data: application code never names "cms" or "aichi" (fixtures do)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for folder in ("core", "targets", "activities", "workplan", "api", "templates", "static"):
        for path in (root / folder).rglob("*"):
            if path.suffix not in (".py", ".html", ".css", ".js") or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"""["'](cms|aichi)["']|slug\s*==|\.(cms|aichi)\b""", line):
                    offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
