"""Records the site keeps for itself, not the plan's data (left out of backups)."""

from django.db import models
from django.utils import timezone


class PasswordResetRequest(models.Model):
    """A password reset asked for, counted against the limits per address and per client."""

    email = models.CharField(max_length=254)
    client = models.CharField(max_length=64)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Password reset for {self.email} from {self.client}"
