"""The Kunming-Montreal Global Biodiversity Framework ships as data: `load_framework kmgbf`
loads it, each target in the words of the copy of decision 15/4 kept in fixtures/source/."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from targets.models import Framework, Goal, Target

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = json.loads((ROOT / "fixtures" / "frameworks" / "kmgbf.json").read_text(encoding="utf-8"))
SOURCE = (ROOT / "fixtures" / "source" / "kmgbf-decision-15-4-en.txt").read_text(encoding="utf-8")


def source_blocks() -> dict[str, str]:
    """{"Target 2": text, "Goal A": text} from the source copy. Where the copy records two
    wordings, the one the fixture follows is marked "(text recorded in kmgbf.json)"."""
    blocks = {}
    for match in re.finditer(
        r"^((?:Target|Goal) \w+)   \[source:[^\n]*\n(.*?)(?=\n\n|\Z)", SOURCE, re.M | re.S
    ):
        name, text = match.group(1), match.group(2)
        if "(text recorded in kmgbf.json):]" in text:
            text = text.split("(text recorded in kmgbf.json):]", 1)[1]
        blocks[name] = text.strip()
    return blocks


def as_shipped(copied: str) -> str:
    """The copied text as the fixture ships it: the copy's splice mark joined, the decision's
    footnote marker and footnote moved out (to `note`), a stray space before the full stop dropped."""
    text = re.sub(r"\s*<<[^>]*>>\s*", "", copied)
    text = re.sub(r"\[\d+\]", "", text.split(" *** ")[0])
    return text.replace(" .", ".").strip()


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_framework", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def kmgbf(plan):
    load("kmgbf", "--plan", plan.slug)
    return Framework.objects.get_by_natural_key("kmgbf")


def test_every_shipped_target_and_goal_is_the_source_copys_text(kmgbf):
    blocks = source_blocks()
    targets = Target.objects.filter(framework=kmgbf)
    assert targets.count() == len(FIXTURE["frameworks"][0]["targets"]) == 22
    for target in targets:
        assert target.text == as_shipped(blocks[f"Target {target.number}"]), target.number
    for goal in Goal.objects.filter(framework=kmgbf):
        assert goal.title == as_shipped(blocks[f"Goal {goal.code}"]), goal.code
    assert {goal.code for goal in Goal.objects.filter(framework=kmgbf)} == {"A", "B", "C", "D"}


def test_a_target_whose_wording_is_unresolved_stays_out_and_the_fixture_says_why(kmgbf):
    assert not Target.objects.filter(framework=kmgbf, number=1).exists()
    assert [item["number"] for item in FIXTURE["left_out"]] == [1]
    assert "cop-15-dec-04-en.pdf" in FIXTURE["left_out"][0]["why"]


def test_short_titles_come_only_from_the_cbds_own_pages(kmgbf):
    for data in FIXTURE["frameworks"][0]["targets"]:
        target = Target.objects.get(framework=kmgbf, number=data["number"])
        if target.short_title:
            assert data["short_title_source"].startswith(("https://www.cbd.int/", "https://dev-chm.cbd.int/"))
            assert target.short_title in SOURCE


def test_the_decisions_footnote_is_the_targets_note(kmgbf):
    assert "tripartite terminology" in Target.objects.get(framework=kmgbf, number=21).note


def test_loading_again_changes_nothing(kmgbf):
    records = Target.history.count() + Goal.history.count() + Framework.history.count()
    load("kmgbf")
    assert Target.history.count() + Goal.history.count() + Framework.history.count() == records


def test_the_plan_gains_the_framework_and_a_focal_point_finds_an_activity_by_it(client, plan, kmgbf):
    from activities.models import Activity, ActivityTarget
    from activities.services import links_changed

    activity = Activity.objects.get(plan=plan, number=20)
    ActivityTarget.objects.create(activity=activity, target=Target.objects.get(framework=kmgbf, number=3))
    links_changed([activity.pk])
    assert [a.number for a in client.get("/", {"kmgbf": "3"}).context["page"]] == [20]
    assert [a["number"] for a in client.get("/api/activities/", {"kmgbf": "3"}).json()["results"]] == [20]
    assert "GBF Targets" in b"".join(client.get("/activities.csv", {"kmgbf": "3"}).streaming_content).decode()


FRAMEWORK = '"slug": "x", "name": "X", "short_name": "X", "target_label": "X"'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "Cannot read"),
        ("[]", "no list of frameworks"),
        ('{"frameworks": [{"slug": "x"}]}', "lacks"),
        ('{"frameworks": [{%s, "targets": [{}]}]}' % FRAMEWORK, "needs a number"),
        ('{"frameworks": [{%s, "targets": [{"number": "1", "text": "t"}]}]}' % FRAMEWORK, "not valid"),
    ],
)
def test_a_bad_framework_file_is_refused_with_a_reason_and_nothing_loaded(db, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    before = Framework.objects.count()
    with pytest.raises(CommandError, match=message):
        load(str(path))
    assert Framework.objects.count() == before


def test_an_unknown_framework_name_lists_the_known_ones(db):
    with pytest.raises(CommandError, match="kmgbf"):
        load("nonesuch")
