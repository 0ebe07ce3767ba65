"""Every page type, in French and in Spanish, signed out and as each role, shows no interface
string in English: each text and label on the page is compared with the English catalogue,
leaving aside the plan's own words and official texts shown in English (marked `lang="en"`)."""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.browser.pages import PAGES_BY_ROLE, UPLOAD_FIRST, import_upload, seed_pages
from tests.factories import UserFactory

OTHER_LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-label"}
SKIPPED = {"script", "style"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def catalogue(language: str) -> dict[str, str]:
    """English message → its translation, for every message the project translates differently."""
    mo = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.mo"
    if not mo.exists():
        call_command("compilemessages", "--ignore", ".venv", verbosity=0)
    with mo.open("rb") as file:
        messages = gettext.GNUTranslations(file)._catalog
    english = {}
    for key, translated in messages.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid and msgid != translated:
            english[msgid.split("\x04")[-1]] = translated  # without a context
    return english


def as_pattern(message: str) -> re.Pattern | None:
    """A message with placeholders as a pattern that finds it filled in, within a text."""
    parts = re.split(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfi]|<[^>]+>", message)
    words = [re.escape(" ".join(part.split())) for part in parts]
    if sum(len(part.strip()) for part in parts) < 12:  # too little fixed text to recognise
        return None
    return re.compile(r"\s*.+?\s*".join(words))


class Texts(HTMLParser):
    """The texts and labelling attributes of a page, outside elements marked as another language."""

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []  # (tag, shown in another language or not shown)
        self.texts: list[str] = []

    def foreign(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        skip = tag in SKIPPED or (lang is not None and lang != self.language and tag != "html")
        if not skip and not self.foreign():
            self.texts += [value for name, value in attrs.items() if name in ATTRIBUTES and value]
            button = tag in ("input", "button") and attrs.get("type") in ("submit", "button")
            if button and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.foreign():
            self.texts.append(text)


def english_left(html: str, language: str, english: dict[str, str]) -> list[str]:
    parser = Texts(language)
    parser.feed(html)
    page = "\n".join(parser.texts)
    left = []
    for message, translated in english.items():
        flat = " ".join(message.split())
        if " ".join(translated.split()) in page:
            continue
        if flat in parser.texts:
            left.append(flat)
        elif (pattern := as_pattern(message)) and pattern.search(page):
            left.append(flat)
    return sorted(set(left))


def roles():
    return [None, *sorted(role for role in PAGES_BY_ROLE if role)]


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
@pytest.mark.parametrize("role", roles(), ids=lambda role: role or "signed-out")
def test_no_english_interface_string_on_any_page(client, plan, language, role):
    english = catalogue(language)
    assert len(english) > 100, f"the {language} catalogue is (nearly) empty"
    paths = seed_pages(plan)
    if role:
        user = UserFactory(username="reader")
        user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
    found = {}
    for page in PAGES_BY_ROLE[role]:
        if page in UPLOAD_FIRST:
            name, content = import_upload(plan)
            client.post(f"/{language}/activities/import/", {"file": SimpleUploadedFile(name, content)})
        response = client.get(f"/{language}{paths[page]}")
        assert response.status_code in (200, 400, 403, 404), (page, response.status_code)
        left = english_left(response.content.decode(), language, english)
        if left:
            found[page] = left
    assert not found, f"English left on {language} pages: {found}"


def test_the_check_finds_an_english_string_left_on_a_page():
    english = {"Activities by status": "Activités par état", "Saved the meeting: %(meeting)s.": "x"}
    html = (
        '<html lang="fr"><body><h2>Activities by status</h2><p>Saved the meeting: Bonn.</p>'
        '<p lang="en">Activities by status</p></body></html>'
    )
    assert english_left(html, "fr", english) == ["Activities by status", "Saved the meeting: %(meeting)s."]
    assert english_left('<html lang="fr"><p lang="en">Activities by status</p></html>', "fr", english) == []
