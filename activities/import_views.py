"""Importing the activity list's spreadsheet: upload, preview, confirm (activities/imports.py).

Between the preview and the confirmation the session keeps what was read from the file (the
parsed rows, never the file itself), under a token that the confirmation must carry.
"""

import secrets
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from activities.forms import ConfirmImportForm, ImportForm
from activities.imports import (
    MAX_BYTES,
    MAX_ROWS,
    FileRefused,
    StaleImport,
    apply_import,
    preview,
    read_upload,
)
from activities.models import Meeting, Plan

SESSION_KEY = "activity_import"


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required("activities.update_progress", raise_exception=True)
def activity_import(request):
    """Upload a file; its preview follows."""
    plan = Plan.objects.current_or_404()
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = read_upload(form.cleaned_data["file"], plan=plan)
        except FileRefused as refused:
            form.add_error("file", refused.message)
        else:
            request.session[SESSION_KEY] = {**data, "token": secrets.token_urlsafe(16)}
            return redirect("activities:import-preview")
    return render(
        request,
        "activities/activity_import.html",
        {
            "plan": plan,
            "form": form,
            "max_megabytes": MAX_BYTES // 1024 // 1024,
            "max_rows": f"{MAX_ROWS:,}",
            "pending": request.session.get(SESSION_KEY, {}).get("name"),
        },
        status=HTTPStatus.BAD_REQUEST if form.is_bound else HTTPStatus.OK,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required("activities.update_progress", raise_exception=True)
def activity_import_preview(request):
    """What the uploaded file would change, row by row, set against the tracker as it is now;
    confirming applies it all or nothing."""
    plan = Plan.objects.current_or_404()
    pending = request.session.get(SESSION_KEY)
    if not pending:
        messages.info(request, _("Upload a file to import first."))
        return redirect("activities:import")
    shown = preview(pending, plan=plan, reader=request.user)
    meetings = Meeting.objects.visible_to(request.user).filter(plan=plan).order_by("-date", "-pk")
    form = ConfirmImportForm(request.POST or None, preview=shown, meetings=meetings)
    status, refusal = HTTPStatus.OK, ""
    if request.method == "POST":
        if request.POST.get("discard"):
            del request.session[SESSION_KEY]
            messages.info(
                request, _("Discarded the import of %(file)s: nothing changed.") % {"file": pending["name"]}
            )
            return redirect("activities:list")
        status = HTTPStatus.BAD_REQUEST
        if not form.is_valid():
            refusal = _("The confirmation could not be read: check the preview and confirm again.")
        elif form.cleaned_data["token"] != pending["token"]:
            status = HTTPStatus.CONFLICT
            refusal = _("Another file was uploaded since this preview was shown: this is its preview now.")
        elif not shown.can_confirm:
            refusal = (
                _(
                    "Nothing can be applied: correct the rows that cannot be imported and upload the "
                    "file again."
                )
                if shown.invalid
                else _("Nothing can be applied: the file changes nothing.")
            )
        else:
            try:
                applied = apply_import(
                    preview=shown,
                    seen=form.cleaned_data["seen"],
                    by=request.user,
                    chosen=set(form.cleaned_data["apply"]),
                    meeting=form.cleaned_data["meeting"],
                )
            except StaleImport:
                status = HTTPStatus.CONFLICT
                refusal = _(
                    "The tracker changed since you saw the preview, so nothing was applied. "
                    "This is the preview as things stand now: check it and confirm again."
                )
                shown = preview(pending, plan=plan, reader=request.user)
            else:
                del request.session[SESSION_KEY]
                count = len(applied)
                messages.success(
                    request,
                    ngettext(
                        "Imported %(file)s: %(count)d activity updated.",
                        "Imported %(file)s: %(count)d activities updated.",
                        count,
                    )
                    % {"file": pending["name"], "count": count},
                )
                return redirect("activities:list")
        # Shown again: nothing ticked, the fingerprint of what is shown now.
        form = ConfirmImportForm(
            initial={
                "token": pending["token"],
                "seen": shown.fingerprint,
                "meeting": form["meeting"].value(),
            },
            preview=shown,
            meetings=meetings,
        )
    else:
        form = ConfirmImportForm(
            initial={"token": pending["token"], "seen": shown.fingerprint}, preview=shown, meetings=meetings
        )
    return render(
        request,
        "activities/activity_import_preview.html",
        {"plan": plan, "preview": shown, "form": form, "refusal": refusal},
        status=status,
    )
