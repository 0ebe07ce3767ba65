import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce, Concat, LPad, NullIf
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.expressions import display_name, every_word_in, joined, split
from core.translation import reader_language, site_language
from core.versioning import Versioned
from targets.models import Framework, Target

# The group whose members own activities and record their progress (migration 0002 makes it).
STAFF_GROUP = "Secretariat staff"


class Status(models.TextChoices):
    NOT_REPORTED = "not_reported", _("Not yet reported")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    ON_HOLD = "on_hold", _("On hold")
    DISCONTINUED = "discontinued", _("Discontinued")


# An activity in one of these is finished with: its due date no longer makes it overdue.
CLOSED_STATUSES = (Status.COMPLETED, Status.DISCONTINUED)


def status_rank(field: str) -> models.Case:
    """The position of `field`'s status in the status list, for sorting."""
    return models.Case(
        *(models.When(**{field: value}, then=rank) for rank, value in enumerate(Status.values)),
        output_field=models.IntegerField(),
    )


class Lead(models.TextChoices):
    CBD = "CBD", _("CBD Secretariat")
    CMS = "CMS", _("CMS Secretariat")
    JOINT = "joint", _("Joint")


class SecretariatQuerySet(models.QuerySet):
    def get_by_natural_key(self, code: str) -> "Secretariat":
        return self.get(code=code)


class Secretariat(Versioned):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)

    objects = SecretariatQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class PlanQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug: str) -> "Plan":
        return self.get(slug=slug)

    def latest_first(self) -> "PlanQuerySet":
        return self.order_by("-start_year", "-pk")

    def current(self) -> "Plan | None":
        """The plan the pages show: the one that started last. Hits the database."""
        return self.latest_first().first()

    def current_or_404(self) -> "Plan":
        plan = self.current()
        if plan is None:
            raise Http404(_("No plan has been loaded yet."))
        return plan


class Plan(Versioned):
    """A joint work plan between secretariats, for a period of years."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    secretariats = models.ManyToManyField(Secretariat, related_name="plans")
    frameworks = models.ManyToManyField(
        Framework, related_name="plans", help_text="The target sets the plan's rows pair."
    )
    footnote = models.TextField(blank=True, help_text="Notes printed with the plan.")

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[secretariats, frameworks])

    class Meta:
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="plan_period_not_reversed",
                violation_error_message="The plan cannot end before it starts.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def period(self) -> str:
        return f"{self.start_year}-{self.end_year}"

    def covers(self, day: datetime.date) -> bool:
        return self.start_year <= day.year <= self.end_year

    def outside_period_message(self) -> str:
        return _("The due date must fall within the plan period (%(period)s).") % {"period": self.period}


class ReferenceQuerySet(models.QuerySet):
    def get_by_natural_key(self, code: str) -> "Reference":
        return self.get(code=code)

    def search(self, text: str) -> "ReferenceQuerySet":
        """References whose name, title or note contains every word of `text`."""
        return self.filter(every_word_in(text, "name", "title", "note"))


class Reference(Versioned):
    """A decision, resolution, body, process or meeting that activities cite."""

    class Kind(models.TextChoices):
        DECISION = "decision", "CBD COP decision"
        RESOLUTION = "resolution", "CMS Resolution"
        BODY = "body", _("Body or partnership")
        PROGRAMME = "programme", _("Programme or process")
        MEETING = "meeting", _("Meeting")
        CAMPAIGN = "campaign", _("Awareness day")

    code = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=120, help_text='How the plan cites it: "CBD COP decision XII/2".')
    title = models.TextField(blank=True, help_text="Official title, where known.")
    url = models.URLField(blank=True, max_length=300)
    note = models.TextField(blank=True)

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class PlanRowQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_slug: str, position: int) -> "PlanRow":
        return self.get(plan__slug=plan_slug, position=position)

    def with_target_labels(self) -> "PlanRowQuerySet":
        """Annotate the labels of each row's targets, read in the rows' own query (`target_labels`)."""
        framework = "target__framework__"
        label = models.F(f"{framework}target_label")
        language = reader_language()
        if language != site_language():  # the framework's own word for it
            translated = KeyTextTransform(
                "target_label", KeyTransform(language, models.F(f"{framework}translations"))
            )
            label = Coalesce(NullIf(translated, models.Value("")), label, output_field=models.TextField())
        sortable_label = Concat(
            LPad(Cast(f"{framework}position", models.TextField()), 5, models.Value("0")),
            LPad(Cast("target__number", models.TextField()), 5, models.Value("0")),
            label,
            models.Value(" "),
            Cast("target__number", models.TextField()),
            output_field=models.TextField(),
        )
        links = RowTarget.objects.filter(row=models.OuterRef("pk")).values("row")
        return self.annotate(sortable_target_labels=joined(links, sortable_label))


class PlanRow(Versioned):
    """One row of the plan's table: the targets it pairs and the activities under them."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="rows")
    position = models.PositiveSmallIntegerField(help_text="Order of the row in the plan.")
    targets = models.ManyToManyField(Target, through="RowTarget", related_name="rows")

    objects = PlanRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = "plan row"
        constraints = [models.UniqueConstraint(fields=["plan", "position"], name="unique_row_position")]

    def __str__(self) -> str:
        labels = " / ".join(target.short_label for target in self.targets.all())
        if labels:
            return _("Row %(position)s: %(targets)s") % {"position": self.position, "targets": labels}
        return _("Row %(position)s") % {"position": self.position}

    def natural_key(self) -> tuple[str, int]:
        return (self.plan.slug, self.position)

    natural_key.dependencies = ["activities.plan"]

    @property
    def target_labels(self) -> list[str]:
        """ "Migratory Species Target 5", …, in framework and number order (`with_target_labels()`)."""
        return [label[10:] for label in sorted(split(self.sortable_target_labels))]


class RowTarget(models.Model):
    row = models.ForeignKey(PlanRow, on_delete=models.CASCADE)
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="row_links")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "target of the row"
        verbose_name_plural = "targets of the row"
        constraints = [models.UniqueConstraint(fields=["row", "target"], name="unique_row_target")]

    def __str__(self) -> str:
        return f"{self.row} - {self.target}"


class ActivityQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_slug: str, number: int) -> "Activity":
        return self.get(plan__slug=plan_slug, number=number)

    def outside_rows(self) -> "ActivityQuerySet":
        """Activities under no row of the plan's table: the commitments of its opening
        paragraphs, and any activity an admin added or took off the table."""
        return self.filter(rows__isnull=True)

    def for_target(self, target: Target) -> "ActivityQuerySet":
        return self.filter(targets=target)

    def search(self, text: str) -> "ActivityQuerySet":
        """Activities whose title or text contains every word of `text`."""
        return self.filter(every_word_in(text, "title", "text"))

    def not_updated_since(self, day: datetime.date | None) -> "ActivityQuerySet":
        """Activities whose progress nobody has recorded on or after `day` (never, when None):
        the dashboard's list and the reminders before the annual meeting."""
        never = models.Q(updated_at__isnull=True)
        return self.filter(never if day is None else never | models.Q(updated_at__date__lt=day))

    def refresh_target_sort_key(self) -> int:
        """Store each activity's first target (in framework order, then by number), the list's
        sort by target, so an index serves that sort. A derived key, left out of the change
        history; `services.links_changed` keeps it. Hits the database."""
        serving = ActivityTarget.objects.filter(activity=models.OuterRef("pk"))
        key = models.F("target__framework__position") * TARGET_KEY_BASE + models.F("target__number")
        lowest = serving.values("activity").annotate(lowest=models.Min(key)).values("lowest")
        return self.update(target_sort_key=models.Subquery(lowest))

    def with_status_order(self) -> "ActivityQuerySet":
        """Annotate `status_order` (the order of the status list) of `status_shown`."""
        return self.annotate(status_order=status_rank("status_shown"))

    def with_status_on(self, day: datetime.date | None, name: str = "status_shown") -> "ActivityQuerySet":
        """Annotate `name`: the status in force on `day` (the current one when None), from the
        history; and `since_shown`, the date that status took effect (None: never reported)."""
        if day is None:
            return self.annotate(**{name: models.F("status"), "since_shown": models.F("status_since")})
        latest = StatusChange.objects.filter(
            activity=models.OuterRef("pk"), effective_on__lte=day
        ).latest_first()
        return self.annotate(
            **{
                name: Coalesce(
                    models.Subquery(latest.values("new_status")[:1]), models.Value(Status.NOT_REPORTED)
                ),
                "since_shown": models.Subquery(latest.values("effective_on")[:1]),
            }
        )

    def with_overdue(self, day: datetime.date | None = None, status: str = "status") -> "ActivityQuerySet":
        """Annotate `overdue`: due before `day` (today when None) and, by its `status` field
        (`status_shown` for the status on a date), neither completed nor discontinued. The one
        rule for "overdue", on the list, the activity page, the dashboard and the timeline."""
        day = day or timezone.localdate()
        late = models.Q(due_date__lt=day) & ~models.Q(**{f"{status}__in": CLOSED_STATUSES})
        return self.annotate(overdue=models.ExpressionWrapper(late, output_field=models.BooleanField()))

    def for_report(self) -> "ActivityQuerySet":
        return self.prefetch_related(models.Prefetch("targets", Target.objects.with_framework()), "owners")

    def for_list(self) -> "ActivityQuerySet":
        return self.select_related("plan").prefetch_related(
            models.Prefetch("targets", Target.objects.with_framework()),
            "owners",
        )

    def for_export(self, frameworks) -> "ActivityQuerySet":
        """Each activity's targets of each of `frameworks` and its owners joined into its own row
        (`targets_<framework pk>`, see `expressions.split`; `owner_names`), so an export is one
        query that streams from a server-side cursor however many activities there are.
        """
        serving = ActivityTarget.objects.filter(activity=models.OuterRef("pk")).values("activity")
        return self.with_owners_joined().annotate(
            **{
                f"targets_{framework.pk}": joined(
                    serving.filter(target__framework=framework), "target__number"
                )
                for framework in frameworks
            }
        )

    def with_owners_joined(self) -> "ActivityQuerySet":
        """Annotate the owners' ids and names, read in the activities' own query (see
        `Activity.owner_ids` and `Activity.owner_names`)."""
        owned = Activity.owners.through.objects.filter(activity=models.OuterRef("pk")).values("activity")
        return self.annotate(
            owner_ids_joined=joined(owned, "user_id"),
            owner_names_joined=joined(owned, display_name("user__")),
        )

    def for_detail(self, reader) -> "ActivityQuerySet":
        """The activity page's data, its status history as `reader` may read it."""
        return (
            self.select_related("plan")
            .with_owners_joined()
            .with_overdue()
            .prefetch_related(
                models.Prefetch("targets", Target.objects.with_framework()),
                models.Prefetch("rows", PlanRow.objects.order_by("position").with_target_labels()),
                "references",
                models.Prefetch(
                    "status_changes",
                    StatusChange.objects.visible_to(reader)
                    .select_related("changed_by", "meeting")
                    .latest_first(),
                ),
            )
        )


def eligible_owners() -> models.Q:
    """Who may be named an owner: active secretariat staff. The one rule, for admin's
    `limit_choices_to`, the forms and imports."""
    membership = get_user_model().groups.through.objects.filter(
        user=models.OuterRef("pk"), group__name=STAFF_GROUP
    )
    return models.Q(models.Exists(membership), is_active=True)


def owner_candidates(activity: "Activity | None" = None) -> models.QuerySet:
    """The people an editor may choose as owners: those `eligible_owners()` admits, and whoever
    owns `activity` already (so an owner who left can stay until someone removes them)."""
    condition = eligible_owners()
    if activity is not None and activity.pk:
        owns_it = Activity.owners.through.objects.filter(user=models.OuterRef("pk"), activity=activity)
        condition |= models.Q(models.Exists(owns_it))
    return get_user_model().objects.filter(condition).order_by("first_name", "last_name", "username")


# The sort key of a target: its framework's position, then its number.
TARGET_KEY_BASE = 100_000


class Activity(Versioned):
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="activities", verbose_name=_("plan")
    )
    number = models.PositiveIntegerField(_("number"), help_text="Order of the activity in the plan.")
    title = models.CharField(_("title"), max_length=200, help_text="A short title for lists.")
    text = models.TextField(_("text"), help_text="The activity as the plan words it.")
    targets = models.ManyToManyField(Target, through="ActivityTarget", related_name="activities")
    rows = models.ManyToManyField(PlanRow, through="RowActivity", related_name="activities", blank=True)
    lead = models.CharField(_("lead"), max_length=10, choices=Lead.choices, default=Lead.JOINT)
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="owned_activities",
        limit_choices_to=eligible_owners,
        verbose_name=_("owners"),
        help_text="Secretariat staff responsible for the activity.",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_REPORTED)
    status_since = models.DateField(
        _("status since"),
        null=True,
        blank=True,
        editable=False,
        help_text="The date the current status took effect.",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    references = models.ManyToManyField(
        Reference, blank=True, related_name="activities", verbose_name=_("references")
    )
    updated_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When its progress was last recorded."
    )
    target_sort_key = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="Its first target, for sorting (services.links_changed).",
    )

    objects = ActivityQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[owners, references], excluded_fields=["target_sort_key"])

    class Meta:
        ordering = ["plan", "number"]
        verbose_name_plural = "activities"
        permissions = [("update_progress", "Can update an activity's status and owners")]
        # The list's filters and sorts, within a plan (plan order is the unique constraint's).
        # Searching words and sorting by last update use indexes made in migration 0004.
        indexes = [
            models.Index(fields=["plan", "status"], name="activity_plan_status"),
            models.Index(fields=["plan", "lead"], name="activity_plan_lead"),
            models.Index("plan", status_rank("status"), "number", name="activity_plan_status_rank"),
            models.Index(fields=["plan", "target_sort_key", "number"], name="activity_plan_target_key"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_activity_number"),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="activity_status_known",
                violation_error_message="Unknown status.",
            ),
            models.CheckConstraint(
                condition=models.Q(lead__in=Lead.values),
                name="activity_lead_known",
                violation_error_message="Unknown lead.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", args=[self.pk])

    @property
    def owner_ids(self) -> set[int]:
        """Needs `with_owners_joined()`."""
        return {int(pk) for pk in split(self.owner_ids_joined)}

    @property
    def owner_names(self) -> list[str]:
        """Full names (usernames when there is none), alphabetical. Needs `with_owners_joined()`."""
        return sorted(split(self.owner_names_joined), key=str.casefold)

    def natural_key(self) -> tuple[str, int]:
        return (self.plan.slug, self.number)

    natural_key.dependencies = ["activities.plan"]

    def clean(self) -> None:
        if self.due_date and self.plan_id and not self.plan.covers(self.due_date):
            raise ValidationError(
                {"due_date": ValidationError(self.plan.outside_period_message(), code="outside_plan_period")}
            )


class ActivityTarget(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE)
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="activity_links")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "target served"
        verbose_name_plural = "targets served"
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "target"],
                name="unique_activity_target",
                violation_error_message="The activity already serves this target.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity} - {self.target}"


class RowActivity(models.Model):
    row = models.ForeignKey(PlanRow, on_delete=models.PROTECT, related_name="activity_links")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order of the activity within the row.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["row", "position"]
        verbose_name = "row the activity stands under"
        verbose_name_plural = "rows the activity stands under"
        constraints = [
            models.UniqueConstraint(
                fields=["row", "activity"],
                name="unique_row_activity",
                violation_error_message="The activity already stands under this row.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.row} - {self.activity}"


class Via(models.TextChoices):
    WEB = "web", _("Activity page")
    ADMIN = "admin", _("Django admin")
    REVIEW = "review", _("Meeting review")
    IMPORT = "import", _("Imported file")
    COMMAND = "command", _("Command")


class _RedactedIterable(models.query.ModelIterable):
    """Status changes as the reader may see them (see `StatusChangeQuerySet.visible_to`)."""

    def __iter__(self):
        for change in super().__iter__():
            if change.meeting_hidden:
                change.note = ""
                change.meeting_id = None
                change._state.fields_cache.pop("meeting", None)
            yield change


class StatusChangeQuerySet(models.QuerySet):
    # The rule for "current": the latest change by the date it took effect; on one date, the
    # one recorded last. An activity's status is the `new_status` of the first of these.
    LATEST_FIRST = ("-effective_on", "-pk")

    def latest_first(self) -> "StatusChangeQuerySet":
        return self.order_by(*self.LATEST_FIRST)

    def visible_to(self, reader) -> "StatusChangeQuerySet":
        """The changes as `reader` may read them. A change agreed at a meeting the reader may
        not read (`Meeting.objects.visible_to`) keeps its statuses and dates, and loses its
        note and its meeting."""
        readable = Meeting.objects.visible_to(reader).filter(pk=models.OuterRef("meeting_id"))
        hidden = models.ExpressionWrapper(
            models.Q(meeting__isnull=False) & ~models.Exists(readable), output_field=models.BooleanField()
        )
        queryset = self.annotate(meeting_hidden=hidden)
        queryset._iterable_class = _RedactedIterable
        return queryset


class StatusChange(models.Model):
    """One change of an activity's status: the history from which past states derive.

    Written only by `services.record_progress`; never changed or deleted.
    """

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="status_changes")
    old_status = models.CharField(max_length=20, choices=Status.choices)
    new_status = models.CharField(max_length=20, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_changes",
    )
    effective_on = models.DateField(help_text="The date the new status took effect.")
    recorded_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    meeting = models.ForeignKey(
        "Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_changes",
        help_text="The meeting that agreed the change, if any.",
    )
    via = models.CharField(
        max_length=10, choices=Via.choices, default=Via.WEB, help_text="Where it was recorded."
    )
    source = models.CharField(max_length=255, blank=True, help_text="The file it was imported from, if any.")

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = StatusChangeQuerySet.LATEST_FIRST
        # The status an activity had on a date: its latest change on or before it.
        indexes = [models.Index(fields=["activity", "effective_on", "id"], name="status_change_on")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(old_status__in=Status.values) & models.Q(new_status__in=Status.values),
                name="status_change_statuses_known",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.activity}: {self.get_old_status_display()} → "
            f"{self.get_new_status_display()} ({self.effective_on:%d %b %Y})"
        )


class MeetingKind(models.TextChoices):
    ANNUAL = "annual", _("Annual coordination meeting")
    TELECONFERENCE = "teleconference", _("Teleconference")
    OTHER = "other", _("Other meeting")


class MeetingQuerySet(models.QuerySet):
    def search(self, text: str) -> "MeetingQuerySet":
        """Meetings whose place, participants or notes contain every word of `text`. Apply to
        `visible_to(reader)`: the notes are the meeting's."""
        return self.filter(every_word_in(text, "place", "participants", "notes"))

    def visible_to(self, user) -> "MeetingQuerySet":
        """Every meeting for secretariat staff, public ones for focal points, none otherwise.

        The one rule for reading a meeting and all that derives from it: its notes and
        participants, its review, the statuses agreed at it and their notes, links to it."""
        if user.has_perm("activities.view_all_meetings"):
            return self
        if user.has_perm("activities.view_meeting"):
            return self.filter(is_public=True)
        return self.none()

    def for_detail(self) -> "MeetingQuerySet":
        return self.select_related("plan").prefetch_related(
            models.Prefetch("activities", Activity.objects.order_by("number")),
            models.Prefetch(
                "review_items", ReviewItem.objects.select_related("activity").order_by("activity__number")
            ),
            models.Prefetch(
                "status_changes",
                StatusChange.objects.select_related("activity", "changed_by").order_by(
                    "activity__number", "pk"
                ),
            ),
        )


class Meeting(Versioned):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices, default=MeetingKind.ANNUAL)
    date = models.DateField()
    place = models.CharField(
        max_length=200, blank=True, help_text='Where it was held, or the medium ("video call").'
    )
    participants = models.TextField(blank=True, help_text="One participant per line.")
    notes = models.TextField(blank=True)
    is_public = models.BooleanField(default=False, help_text="Public notes can be read by focal points.")
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="meetings", verbose_name="activities discussed"
    )

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[activities])

    class Meta:
        ordering = ["-date", "-pk"]
        permissions = [("view_all_meetings", "Can read every meeting and its notes")]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=MeetingKind.values), name="meeting_kind_known")
        ]

    def __str__(self) -> str:
        return _("%(kind)s, %(date)s") % {"kind": self.get_kind_display(), "date": date_format(self.date)}

    def get_absolute_url(self) -> str:
        return reverse("activities:meeting-detail", args=[self.pk])

    @property
    def participant_list(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]


class ReviewItem(models.Model):
    """One row of an annual coordination meeting's review: what it agreed for one activity.

    Edited as part of its meeting: the meeting's version guards the review against stale saves."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="review_items")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="review_items")
    agreed_status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(blank=True)
    next_step = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "activity__number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "activity"], name="unique_review_item"),
            models.CheckConstraint(
                condition=models.Q(agreed_status__in=Status.values), name="review_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.activity}"
