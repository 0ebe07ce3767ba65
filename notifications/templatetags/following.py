from django import template

from notifications.forms import FollowForm, what
from notifications.models import Follow

register = template.Library()


@register.inclusion_tag("notifications/follow_form.html", takes_context=True)
def follow_form(context, thing):
    """The form to follow `thing` (or change or stop following it) for a signed-in reader. One query."""
    request = context["request"]
    user = request.user
    if not user.is_authenticated:
        return {"show": False}
    follow = Follow.objects.of(user, thing).first()
    form = FollowForm(initial={"what": what(thing), "frequency": follow.frequency if follow else "daily"})
    return {
        "show": True,
        "form": form,
        "follow": follow,
        "kind": Follow.field_for(thing),
        "next": request.get_full_path(),
        "has_email": bool(user.email),
    }
