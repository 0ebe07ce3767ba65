"""The Nu HTML Checker finds no error on any page type, signed out or signed in, in every
language of the site (the `lang` attributes included)."""

import json
import subprocess

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.browser.conftest import VNU, java, require
from tests.browser.pages import PAGES_BY_ROLE, ROLE_NAMES, UPLOAD_FIRST, import_upload, seed_pages
from tests.factories import UserFactory


def test_every_page_is_valid_html(client, plan, tmp_path):
    require(VNU, "run `npm ci` (bin/test does it)")
    paths = seed_pages(plan)
    files = []
    for role, names in PAGES_BY_ROLE.items():
        client.logout()
        if role:
            member = UserFactory(username=f"member-{ROLE_NAMES[role]}")
            member.groups.add(Group.objects.get(name=role))
            client.force_login(member)
        for name in names:
            if name in UPLOAD_FIRST:
                filename, content = import_upload(plan)
                client.post("/activities/import/", {"file": SimpleUploadedFile(filename, content)})
            for language, _ in settings.LANGUAGES:
                prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
                response = client.get(prefix + paths[name])
                assert response.status_code in (200, 400, 403, 404), (
                    name,
                    role,
                    language,
                    response.status_code,
                )
                path = tmp_path / f"{name}-{ROLE_NAMES[role]}-{language}.html"
                path.write_bytes(response.content)
                files.append(str(path))

    checked = subprocess.run(
        [java(), "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )

    messages = json.loads(checked.stderr or '{"messages": []}')["messages"]
    errors = [f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert errors == [], "\n".join(errors)
    assert checked.returncode == 0


def test_the_html_check_finds_an_error_when_there_is_one(tmp_path):
    require(VNU, "run `npm ci` (bin/test does it)")
    broken = tmp_path / "broken.html"
    broken.write_text('<!DOCTYPE html><html lang="en"><title>t</title><p><div></p></html>')

    checked = subprocess.run(
        [java(), "-jar", str(VNU), "--errors-only", "--format", "json", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert checked.returncode == 1
    assert json.loads(checked.stderr)["messages"]
