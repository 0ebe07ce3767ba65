from django.utils.functional import SimpleLazyObject

from activities.models import Plan


def site(request):
    """The plan named in every page's header; looked up only when a template uses it."""
    return {"site_plan": SimpleLazyObject(Plan.objects.current)}
