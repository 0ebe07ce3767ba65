import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from activities.models import Plan
from activities.services import links_changed
from targets.models import Framework, Target
from targets.services import load_frameworks

FRAMEWORKS = Path(settings.BASE_DIR) / "fixtures" / "frameworks"


class Command(BaseCommand):
    help = (
        "Load a target framework from a file of the shape of fixtures/frameworks/*.json: "
        "`load_framework kmgbf` reads fixtures/frameworks/kmgbf.json, or give a path. Safe to run "
        "again: it matches the framework, its goals and targets by natural key."
    )

    def add_arguments(self, parser):
        parser.add_argument("framework", help="A name in fixtures/frameworks/ (kmgbf) or a path to a file.")
        parser.add_argument("--plan", help="Also add the framework to this plan (its slug).")

    def handle(self, *args, **options):
        path = self._path(options["framework"])
        frameworks = self._read(path)
        plan = None
        if options["plan"]:
            plan = Plan.objects.filter(slug=options["plan"]).first()
            if plan is None:
                raise CommandError(f"No plan {options['plan']!r}.")
        with transaction.atomic():
            load_frameworks(frameworks=frameworks)
            loaded = Framework.objects.filter(slug__in=[data["slug"] for data in frameworks])
            if plan is not None:
                plan.frameworks.add(*loaded)
            links_changed()  # a framework's position orders the sort by target
        for framework in loaded:
            count = Target.objects.filter(framework=framework).count()
            self.stdout.write(self.style.SUCCESS(f"Loaded {framework}: {count} targets."))
        if plan is not None:
            self.stdout.write(f"Added to {plan}.")

    def _path(self, name: str) -> Path:
        candidate = FRAMEWORKS / f"{name}.json"
        if "/" not in name and "\\" not in name and candidate.exists():
            return candidate
        path = Path(name)
        if not path.exists():
            known = ", ".join(sorted(p.stem for p in FRAMEWORKS.glob("*.json"))) or "none"
            raise CommandError(f"No framework file {name!r} (known in fixtures/frameworks/: {known}).")
        return path

    def _read(self, path: Path) -> list[dict]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        frameworks = data.get("frameworks") if isinstance(data, dict) else None
        if not isinstance(frameworks, list) or not frameworks:
            raise CommandError(f"{path} has no list of frameworks (see fixtures/frameworks/kmgbf.json).")
        required = {"slug", "name", "short_name", "target_label", "targets"}
        for index, framework in enumerate(frameworks):
            missing = required - set(framework) if isinstance(framework, dict) else required
            if missing:
                raise CommandError(f"{path}: framework {index + 1} lacks {', '.join(sorted(missing))}.")
            for target in framework["targets"]:
                if not isinstance(target, dict) or not {"number", "text"} <= set(target):
                    raise CommandError(
                        f"{path}: every target of {framework['slug']} needs a number and a text."
                    )
                if not isinstance(target["number"], int) or not str(target["text"]).strip():
                    raise CommandError(
                        f"{path}: target {target['number']!r} of {framework['slug']} is not valid."
                    )
        return frameworks
