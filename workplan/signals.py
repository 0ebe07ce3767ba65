from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from core.audit import audit


@receiver(user_login_failed)
def log_failed_sign_in(sender, credentials, request=None, **kwargs):
    if request is not None:
        audit("sign_in_failed", request, username=credentials.get("username"))
