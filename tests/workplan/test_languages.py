"""English, French and Spanish: the language comes from the address, the switch keeps the page
and its filters, a first visit follows the browser, official texts show in the reader's
language or in English marked as such."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from targets.models import Framework, Target

SOURCES = json.loads(
    (Path(settings.BASE_DIR) / "fixtures" / "source" / "targets-fr-es.json").read_text(encoding="utf-8")
)
OTHER_LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.parametrize("prefix, language", [("", "en"), ("/fr", "fr"), ("/es", "es")])
def test_the_address_says_the_language(client, plan, prefix, language):
    response = client.get(f"{prefix}/targets/")

    assert response.status_code == 200
    assert html_lang(response) == language
    assert response["Content-Language"] == language


def test_english_keeps_todays_addresses_and_french_and_spanish_links_are_prefixed(plan):
    assert reverse("target-list") == "/targets/"
    with translation.override("fr"):
        assert reverse("target-list") == "/fr/targets/"
    with translation.override("es"):
        assert reverse("activities:list") == "/es/"


@pytest.mark.parametrize(
    "start, language, expected",
    [
        ("/fr/?aichi=11&status=planned", "es", "/es/?aichi=11&status=planned"),
        ("/es/coverage/?as_of=2017-06-01", "en", "/coverage/?as_of=2017-06-01"),
        ("/targets/aichi/11/", "fr", "/fr/targets/aichi/11/"),
    ],
)
def test_the_switch_keeps_the_page_and_its_filters(client, plan, start, language, expected):
    prefix = start.split("/")[1] if start.split("/")[1] in OTHER_LANGUAGES else ""  # where it was
    action = f"/{prefix}/language/" if prefix else "/language/"
    response = client.post(action, {"language": language, "next": start})

    assert response.status_code == 302
    assert response["Location"] == expected
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    assert html_lang(client.get(expected)) == language


def test_the_switch_is_on_every_page_and_needs_no_javascript(client, plan):
    page = client.get("/fr/?aichi=11").content.decode()
    form = re.search(r'<form class="language-switch" method="post" action="([^"]+)">(.*?)</form>', page, re.S)

    assert form, "no language switch"
    assert form.group(1) == "/fr/language/"
    assert 'name="next" value="/fr/?aichi=11"' in form.group(2)
    for code, name in settings.LANGUAGES:
        assert f'lang="{code}"' in form.group(2), code
        assert name in form.group(2), name


def test_a_first_visit_follows_the_browser_language(client, plan):
    response = client.get("/?aichi=11", headers={"accept-language": "fr-CH, fr;q=0.9, en;q=0.5"})

    assert response.status_code == 302
    assert response["Location"] == "/fr/?aichi=11"
    assert "Accept-Language" in response["Vary"]


def test_a_reader_who_chose_english_stays_in_english(client, plan):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/", headers={"accept-language": "es"})

    assert response.status_code == 200
    assert html_lang(response) == "en"


def test_an_english_browser_is_not_redirected_and_posts_never_are(client, plan):
    assert client.get("/", headers={"accept-language": "en-GB"}).status_code == 200
    response = client.post(
        "/accounts/login/", {"username": "x", "password": "y"}, headers={"accept-language": "fr"}
    )
    assert response.status_code != 302 or not response["Location"].startswith("/fr/")


def test_the_api_keeps_its_fields_and_codes_and_answers_labels_in_the_language_asked(client, plan):
    english = client.get("/api/activities/", {"page_size": 1}).json()
    french = client.get("/api/activities/", {"page_size": 1}, headers={"accept-language": "fr"}).json()

    first_en, first_fr = english["results"][0], french["results"][0]
    assert first_en.keys() == first_fr.keys()
    assert first_en["status"] == first_fr["status"]
    with translation.override("fr"):
        from activities.models import Status

        assert first_fr["status_label"] == str(Status(first_fr["status"]).label)


def test_admin_follows_the_browser_language(client_as):
    client = client_as("admin")
    response = client.get("/admin/", headers={"accept-language": "es"})

    assert response.status_code == 200
    assert html_lang(response) == "es"


# Official texts ---------------------------------------------------------------------------


def source_text(slug: str, language: str, number: int) -> str | None:
    return SOURCES[slug][language]["targets"].get(str(number))


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_every_official_translation_matches_its_source_file_word_for_word(plan, language):
    checked = 0
    for target in Target.objects.select_related("framework"):
        stored = (target.translations.get(language) or {}).get("text")
        block = SOURCES.get(target.framework.slug)
        expected = source_text(target.framework.slug, language, target.number) if block else None
        assert stored == expected, f"{target}: {language} text differs from fixtures/source"
        if stored:
            assert target.translations[language]["source"], f"{target}: no source cited"
            checked += 1
    assert checked > 0


def test_a_target_page_shows_the_official_text_in_the_readers_language(client, plan):
    target = Target.objects.get(framework__slug="aichi", number=11)
    page = client.get("/fr/targets/aichi/11/").content.decode()

    assert target.translations["fr"]["text"] in page
    assert target.translations["fr"]["source"] in page


def test_without_an_official_translation_the_english_text_is_marked_and_explained(client, plan):
    untranslated = Target.objects.filter(framework__slug="aichi").exclude(translations__has_key="es").first()
    page = client.get(f"/es/targets/aichi/{untranslated.number}/").content.decode()

    assert f'<span lang="en">{untranslated.text}</span>' in page
    with translation.override("es"):
        note = translation.gettext(
            "No official translation of this text is available in this language: it is shown in English."
        )
    assert note in page


def test_framework_names_follow_the_language(plan):
    aichi = Framework.objects.get(slug="aichi")
    with translation.override("fr"):
        assert aichi.targets_name == "Objectifs d’Aichi pour la biodiversité"
    with translation.override("es"):
        assert aichi.targets_name == "Metas de Aichi para la Diversidad Biológica"
    assert aichi.targets_name == "Aichi Targets"


def test_the_plans_own_words_are_marked_english_on_other_language_pages(client, plan):
    from activities.models import Activity

    title = escape(Activity.objects.get(plan=plan, number=14).title)
    assert f'<span lang="en">{title}</span>' in client.get("/fr/").content.decode()
    assert f'<span lang="en">{title}</span>' not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "path",
    ["/", "/?aichi=11&cms=10", "/targets/", "/targets/aichi/11/", "/coverage/", "/dashboard/", "/report/"],
)
@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_the_language_machinery_adds_no_query(client, plan, path, language):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm: sessions, the plan
    with CaptureQueriesContext(connection) as english:
        assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as other:
        assert client.get(f"/{language}{path}").status_code == 200

    assert len(other) == len(english)


def test_a_rows_targets_are_named_in_the_readers_language(client, plan):
    from activities.models import Activity

    activity = Activity.objects.filter(plan=plan, rows__isnull=False).first()
    page = client.get(f"/fr{activity.get_absolute_url()}").content.decode()

    assert "Objectif d’Aichi" in page
    assert "Aichi Target" not in page.split('class="tip"')[0]  # tooltips aside: only official words there


def test_dates_read_in_the_readers_language_and_date_fields_keep_iso_values(client, plan):
    import datetime

    from activities.models import Activity, Status
    from tests.factories import record_status

    activity = Activity.objects.get(plan=plan, number=14)
    record_status(activity, Status.IN_PROGRESS, effective_on=datetime.date(2017, 2, 3))

    path = activity.get_absolute_url()  # in English: each request below activates its language
    assert "3 Feb 2017" in client.get(path).content.decode()
    assert "3 fév 2017" in client.get(f"/fr{path}").content.decode()
    assert "3 feb 2017" in client.get(f"/es{path}").content.decode()
    for prefix in ("", "/fr", "/es"):
        page = client.get(f"{prefix}/coverage/", {"as_of": "2017-06-01"}).content.decode()
        assert 'value="2017-06-01"' in page
