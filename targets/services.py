from django.db import models, transaction

from targets.models import Framework, Goal, Target


def upsert(model: type[models.Model], *, lookup: dict, values: dict, create_values: dict | None = None):
    """Get the object matching `lookup` and set `values` on it, or create it with both.

    Unlike `update_or_create`, it saves only when a value differs, so loading the same
    data again writes nothing (no `auto_now` bump, no history record).
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values, **(create_values or {}))
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        if hasattr(obj, "version"):  # so an editor who opened it before is refused
            obj.version += 1
            changed.append("version")
        obj.save(update_fields=changed)
    return obj


@transaction.atomic
def load_frameworks(*, frameworks: list[dict]) -> None:
    """Create or update frameworks, goals and targets from fixture data, by natural key.

    A null in the data leaves the field empty. Running it again changes nothing.
    """
    for data in frameworks:
        framework = upsert(
            Framework,
            lookup={"slug": data["slug"]},
            values={
                "name": data["name"],
                "short_name": data["short_name"],
                "target_label": data["target_label"],
                "targets_label": data.get("targets_label") or "",
                "goal_label": data.get("goal_label") or "Goal",
                "list_key": data.get("list_key") or "",
                "instrument": data.get("instrument") or "",
                "url": data.get("url") or "",
                "position": data.get("position", 0),
                "translations": data.get("translations") or {},
            },
        )
        goals = {
            goal["code"]: upsert(
                Goal,
                lookup={"framework": framework, "code": goal["code"]},
                values={"title": goal.get("title") or "", "translations": goal.get("translations") or {}},
            )
            for goal in data.get("goals", [])
        }
        for target in data["targets"]:
            goal_code = target.get("goal")
            upsert(
                Target,
                lookup={"framework": framework, "number": target["number"]},
                values={
                    "goal": goals[str(goal_code)] if goal_code is not None else None,
                    "short_title": target.get("short_title") or "",
                    "text": target["text"],
                    "note": target.get("note") or "",
                    "translations": target.get("translations") or {},
                },
            )
