"""What Django admin's change forms post, for tests that drive admin without a browser."""

from http import HTTPStatus

from tests.forms import form_data


def activity_change_data(activity, *, keep_links: bool = False, **changes) -> dict:
    """The form as the admin would submit it unchanged, then `changes` applied.

    With `keep_links`, the inlines carry the activity's current targets and rows; without, they
    are left untouched (no inline form at all).
    """
    data = {
        "plan": activity.plan_id,
        "number": activity.number,
        "title": activity.title,
        "text": activity.text,
        "lead": activity.lead,
        "status": activity.status,
        "due_date": "",
        "seen_version": activity.version,
        "status_changes-TOTAL_FORMS": 0,
        "status_changes-INITIAL_FORMS": 0,
    }
    inlines = {
        "activitytarget_set": [
            {"id": link.pk, "activity": activity.pk, "target": link.target_id}
            for link in (activity.activitytarget_set.all() if keep_links and activity.pk else [])
        ],
        "rowactivity_set": [
            {"id": link.pk, "activity": activity.pk, "row": link.row_id, "position": link.position}
            for link in (activity.rowactivity_set.all() if keep_links and activity.pk else [])
        ],
    }
    for prefix, forms in inlines.items():
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = len(forms)
        for i, form in enumerate(forms):
            data.update({f"{prefix}-{i}-{key}": value for key, value in form.items()})
    data.update(changes)
    return data


def stale_save_is_refused(admin_client, url, field, first_value, second_value, reload):
    opened = form_data(admin_client.get(url), action="")
    assert admin_client.post(url, {**opened, field: first_value}).status_code == HTTPStatus.FOUND
    response = admin_client.post(url, {**opened, field: second_value})
    assert response.status_code == HTTPStatus.OK
    assert "since you opened it" in response.content.decode()
    assert getattr(reload(), field) == first_value
