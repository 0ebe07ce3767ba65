from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.translation import Translated, Wording
from core.versioning import Versioned


class FrameworkQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug: str) -> "Framework":
        return self.get(slug=slug)


class Framework(Translated, Versioned):
    """A strategic plan whose numbered targets a joint work plan serves."""

    slug = models.SlugField(
        unique=True, help_text='Stable identifier used in addresses and filters, e.g. "kmgbf".'
    )
    name = models.CharField(max_length=200)
    short_name = models.CharField(
        max_length=20, help_text='Used in short labels such as "CMS 5" or "Aichi 11".'
    )
    target_label = models.CharField(
        max_length=60,
        help_text='How a target is named in full, before its number: "Aichi Target".',
    )
    targets_label = models.CharField(
        max_length=80,
        blank=True,
        help_text='How its targets are named together, as a filter and a column: "Aichi Targets". '
        "Empty: the target label with an s.",
    )
    goal_label = models.CharField(
        max_length=40, default="Goal", help_text='How a goal is named before its code: "Strategic Goal".'
    )
    list_key = models.SlugField(
        max_length=60,
        blank=True,
        help_text='The field that lists its targets in the API and in export_plan: "aichi_targets". '
        'Empty: the slug followed by "_targets".',
    )
    instrument = models.TextField(
        blank=True, help_text="The decision or resolution that adopted the framework."
    )
    url = models.URLField(blank=True, max_length=300)
    position = models.PositiveSmallIntegerField(default=0, help_text="Frameworks are listed in this order.")

    objects = FrameworkQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return str(self.wording("name"))

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def targets_name(self) -> str:
        """ "Aichi Targets": as a filter group, a column and a heading, in the reader's language."""
        return str(self.wording("targets_label")) or f"{self.wording('target_label')}s"

    @property
    def local_name(self) -> Wording:
        """Its name in the reader's language, or the English one marked as such."""
        return self.wording("name")

    @property
    def local_goal_label(self) -> str:
        """ "Strategic Goal", "But stratégique": before a goal's code."""
        return str(self.wording("goal_label"))

    @property
    def local_target_label(self) -> str:
        """ "Aichi Target", "Objectif d’Aichi": before a target's number."""
        return str(self.wording("target_label"))

    @property
    def list_name(self) -> str:
        """ "aichi_targets": the field listing its targets in the API and in export_plan."""
        return self.list_key or f"{self.slug.replace('-', '_')}_targets"

    @property
    def css_class(self) -> str:
        """A colour for its target tags, by its place in the list (six colours in turn)."""
        return f"fw-{self.position % 6}"


class GoalQuerySet(models.QuerySet):
    def get_by_natural_key(self, framework_slug: str, code: str) -> "Goal":
        return self.get(framework__slug=framework_slug, code=code)


class Goal(Translated, Versioned):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="goals")
    code = models.CharField(max_length=8, help_text='"A" to "E" for the Aichi goals.')
    title = models.TextField(blank=True, help_text="Left empty where no source confirmed the official title.")

    objects = GoalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework__position", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_goal_code")]

    def __str__(self) -> str:
        return f"{self.framework.short_name} {self.framework.local_goal_label} {self.code}"

    @property
    def local_title(self) -> Wording:
        """Its official title in the reader's language, or the English one marked as such."""
        return self.wording("title")

    def natural_key(self) -> tuple[str, str]:
        return (self.framework.slug, self.code)

    natural_key.dependencies = ["targets.framework"]


class TargetQuerySet(models.QuerySet):
    def get_by_natural_key(self, framework_slug: str, number: int) -> "Target":
        return self.get(framework__slug=framework_slug, number=number)

    def with_framework(self) -> "TargetQuerySet":
        return self.select_related("framework", "goal")


class Target(Translated, Versioned):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="targets")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, null=True, blank=True, related_name="targets")
    number = models.PositiveSmallIntegerField()
    short_title = models.CharField(max_length=200, blank=True)
    text = models.TextField(help_text="The official text, verbatim.")
    note = models.TextField(blank=True, help_text="An official note that goes with the text.")

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework__position", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="unique_target_number")]

    def __str__(self) -> str:
        return f"{self.framework.local_target_label} {self.number}"

    @property
    def local_text(self) -> Wording:
        """Its official text in the reader's language, or the English one marked as such."""
        return self.wording("text")

    @property
    def local_short_title(self) -> Wording:
        return self.wording("short_title")

    def get_absolute_url(self) -> str:
        return reverse("target-detail", kwargs={"framework": self.framework.slug, "number": self.number})

    def natural_key(self) -> tuple[str, int]:
        return (self.framework.slug, self.number)

    natural_key.dependencies = ["targets.framework"]

    @property
    def short_label(self) -> str:
        """ "CMS 5", "Aichi 11": for tables and tags."""
        return f"{self.framework.short_name} {self.number}"

    OPENING_WORDS = 10

    @property
    def caption(self) -> str:
        """A few words to know the target by: its short title where its framework gives one,
        otherwise the start of its official text in quotation marks (“People are aware of the
        multiple values…”), so nothing made up passes for an official title."""
        title = self.local_short_title
        if title:
            return str(title)
        words = str(self.local_text).split()
        opening = " ".join(words[: self.OPENING_WORDS]).rstrip(",;:.")
        return f"“{opening}…”" if len(words) > self.OPENING_WORDS else f"“{opening}”"

    def clean(self) -> None:
        if self.goal_id and self.framework_id and self.goal.framework_id != self.framework_id:
            raise ValidationError(
                {
                    "goal": ValidationError(
                        "The goal must belong to the target's framework.",
                        code="goal_in_other_framework",
                    )
                }
            )
