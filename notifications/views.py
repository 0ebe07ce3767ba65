from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required, login_required
from django.db import transaction
from django.db.models import Max
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from activities.models import Activity, Plan, StatusChange
from notifications.forms import FollowForm, PreferencesForm, what
from notifications.mail import read_unsubscribe_token
from notifications.models import EmailPreferences, Follow


@login_required
def preferences(request):
    """Whether to be reminded before the annual meeting, and what the person follows."""
    prefs = EmailPreferences.objects.filter(user=request.user).first() or EmailPreferences(
        user=request.user, language=translation.get_language() or settings.LANGUAGE_CODE
    )
    form = PreferencesForm(request.POST if request.method == "POST" else None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your email preferences are saved."))
        return redirect("notifications:preferences")
    follows = (
        Follow.objects.filter(user=request.user)
        .select_related("plan", "target__framework", "activity")
        .order_by("plan_id", "target__framework__position", "target__number", "activity__number")
    )
    plan = Plan.objects.current()
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "follows": [
                (follow, FollowForm(initial={"what": what(follow.followed), "frequency": follow.frequency}))
                for follow in follows
            ],
            "plan": plan,
            "plan_follow": FollowForm(initial={"what": what(plan)}) if plan else None,
            "follows_plan": any(follow.plan_id for follow in follows),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def follow(request):
    form = FollowForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = ""
    if not form.is_valid():
        problems = "; ".join(sum(form.errors.values(), []))
        messages.error(request, _("That cannot be followed: %(problems)s") % {"problems": problems})
        return redirect(back or "notifications:preferences")
    thing = form.cleaned_data["what"]
    label = _("Activity %(number)s") % {"number": thing.number} if isinstance(thing, Activity) else str(thing)
    if form.cleaned_data["action"] == "unfollow":
        Follow.objects.of(request.user, thing).delete()
        messages.success(request, _("You no longer follow %(what)s.") % {"what": label})
    else:
        with transaction.atomic():
            existing = Follow.objects.of(request.user, thing).select_for_update().first()
            if existing:
                existing.frequency = form.cleaned_data["frequency"]
                existing.save(update_fields=["frequency"])
            else:
                # From now on: changes made before following are not sent.
                latest = StatusChange.objects.aggregate(top=Max("pk"))["top"] or 0
                Follow.objects.create(
                    user=request.user,
                    frequency=form.cleaned_data["frequency"],
                    last_change_id=latest,
                    **{Follow.field_for(thing): thing},
                )
        how = dict(form.fields["frequency"].choices)[form.cleaned_data["frequency"]].lower()
        messages.success(request, _("You follow %(what)s: %(how)s.") % {"what": label, "how": how})
        if not request.user.email:
            messages.warning(request, _("Your account has no email address: ask an admin to add one."))
    return redirect(back or "notifications:preferences")


@login_not_required
@csrf_exempt  # a mail reader's one-click POST (RFC 8058) has no CSRF token; the signed token is the key
def unsubscribe(request, token: str):
    """Stop the messages a signed link names, without signing in. A link that was not made here
    (tampered with, cut short) changes nothing."""
    found = read_unsubscribe_token(token)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    kind, pk, frequency = found
    if kind == "follow":
        follows = Follow.objects.filter(pk=pk).select_related("user", "plan", "target__framework", "activity")
        what_ = (
            _("messages about %(what)s") % {"what": follows.first().description} if follows.exists() else None
        )
    elif kind == "updates":
        follows = Follow.objects.filter(user=pk, frequency=frequency)
        what_ = _("the messages about what you follow") if follows.exists() else None
    else:
        user = get_user_model().objects.filter(pk=pk).first()
        what_ = _("reminders before the annual coordination meeting") if user else None
    context = {"what": what_, "token": token, "done": False}
    if request.method == "POST" and what_:
        if kind == "reminders":
            EmailPreferences.objects.update_or_create(user=user, defaults={"reminders": False})
        else:
            follows.delete()
        context["done"] = True
    elif request.method not in ("GET", "HEAD", "POST"):
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=405)
    return render(request, "notifications/unsubscribe.html", context)
