"""What people follow, what they want by email, and what has been sent to them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Meeting, Plan, StatusChange
from targets.models import Target


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("A message at each change")
    DAILY = "daily", _("A daily digest")


class FollowQuerySet(models.QuerySet):
    def of(self, user, thing) -> "FollowQuerySet":
        """`user`'s follow of `thing` (an activity, a target or a plan), if any."""
        return self.filter(user=user, **{Follow.field_for(thing): thing})


class Follow(models.Model):
    """One person following an activity, a target or the whole plan.

    `last_change_id` is how far their messages have got: status changes with a greater id are
    still to be sent, so a run that fails sends them again next time and one that succeeds
    never sends them twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    created_at = models.DateTimeField(default=timezone.now)
    last_change_id = models.PositiveBigIntegerField(
        default=0, help_text="The last status change sent to this person for this follow."
    )

    objects = FollowQuerySet.as_manager()

    class Meta:
        ordering = ["user", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(plan__isnull=False, target__isnull=True, activity__isnull=True)
                    | models.Q(plan__isnull=True, target__isnull=False, activity__isnull=True)
                    | models.Q(plan__isnull=True, target__isnull=True, activity__isnull=False)
                ),
                name="follow_one_thing",
            ),
            models.UniqueConstraint(
                fields=["user", "plan"], condition=models.Q(plan__isnull=False), name="follow_plan_once"
            ),
            models.UniqueConstraint(
                fields=["user", "target"], condition=models.Q(target__isnull=False), name="follow_target_once"
            ),
            models.UniqueConstraint(
                fields=["user", "activity"],
                condition=models.Q(activity__isnull=False),
                name="follow_activity_once",
            ),
            models.CheckConstraint(
                condition=models.Q(frequency__in=Frequency.values), name="follow_frequency_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.followed}"

    @staticmethod
    def field_for(thing) -> str:
        for field, model in (("plan", Plan), ("target", Target), ("activity", Activity)):
            if isinstance(thing, model):
                return field
        raise TypeError(f"Nobody can follow a {type(thing).__name__}.")

    @property
    def followed(self):
        return self.plan or self.target or self.activity

    @property
    def description(self) -> str:
        if self.plan_id:
            return _("the whole plan (%(plan)s)") % {"plan": self.plan}
        if self.target_id:
            return str(self.target)
        return _("Activity %(number)s: %(title)s") % {"number": self.activity.number, "title": self.activity}

    def changes(self) -> models.QuerySet:
        """The status changes this follow covers (all of them, sent or not)."""
        if self.plan_id:
            return StatusChange.objects.filter(activity__plan=self.plan_id)
        if self.target_id:
            return StatusChange.objects.filter(activity__targets=self.target_id)
        return StatusChange.objects.filter(activity=self.activity_id)


class EmailPreferences(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    reminders = models.BooleanField(
        default=True,
        help_text=(
            "Remind me before the annual coordination meeting about my activities not updated "
            "since the last one."
        ),
    )
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="The language of the messages sent to this person.",
    )

    class Meta:
        verbose_name = "email preferences"
        verbose_name_plural = "email preferences"

    def __str__(self) -> str:
        return f"Email preferences of {self.user}"


class SentReminder(models.Model):
    """A reminder that went out: to whom, about which activity, before which meeting, and at
    which step (`days_before`, one of REMINDER_DAYS). Never sent twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "activity", "meeting", "days_before"], name="reminder_sent_once"
            )
        ]

    def __str__(self) -> str:
        return (
            f"Reminder to {self.user} about {self.activity} ({self.days_before} days before {self.meeting})"
        )
