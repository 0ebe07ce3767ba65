"""Keeps `Activity.first_cms_target` in step with the targets an activity serves."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from activities.models import Activity, ActivityTarget
from targets.models import Target

# Activities whose key waits for the end of `refreshed_once()`, when one is open.
_pending: ContextVar[set | None] = ContextVar("pending_sort_keys", default=None)


@contextmanager
def refreshed_once():
    """Refresh the keys of every activity whose links change inside, once, at the end."""
    pending = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
        if pending:
            Activity.objects.filter(pk__in=pending).refresh_first_cms_target()


def _refresh(activity_ids):
    pending = _pending.get()
    if pending is None:
        Activity.objects.filter(pk__in=activity_ids).refresh_first_cms_target()
    else:
        pending.update(activity_ids)


@receiver(post_save, sender=ActivityTarget)
@receiver(post_delete, sender=ActivityTarget)
def link_changed(sender, instance, **kwargs):
    _refresh([instance.activity_id])


@receiver(m2m_changed, sender=ActivityTarget)
def links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _refresh([instance.pk])
    elif action == "post_clear":  # which activities it served is no longer known
        Activity.objects.filter(first_cms_target__isnull=False).refresh_first_cms_target()
    else:
        _refresh(pk_set)


@receiver(post_save, sender=Target)
def target_changed(sender, instance, created, **kwargs):
    if not created:  # its number or framework may have changed
        Activity.objects.filter(targets=instance).refresh_first_cms_target()
