from django.conf import settings
from django.db import models
from django.db.models import Q

from pupils.models import Child, School
from vschool.dates import TermName
from vschool.history import tracked


class PepKind(models.TextChoices):
    INITIAL = "initial", "Initial PEP"
    TERMLY = "termly", "Termly PEP"


class PepVariant(models.TextChoices):
    EARLY_YEARS = "early_years", "Early years"
    SCHOOL_AGE = "school_age", "School age"
    POST_16 = "post_16", "Post-16"
    NEET = "neet", "Not in education, employment or training"


class PepStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"


class QaRating(models.TextChoices):
    """The authority's quality scale; "good or better" is Gold or Green (peps.quality)."""

    GOLD = "gold", "Gold"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class TermDeadline(models.Model):
    """The date by which each term's PEPs must be completed, set by the Virtual School."""

    academic_year = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=6, choices=[(t.value, t.name.title()) for t in TermName])
    due_date = models.DateField()

    class Meta:
        ordering = ["academic_year", "due_date"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "term"], name="one_deadline_a_term")
        ]

    def __str__(self) -> str:
        return f"{self.term} {self.academic_year}: {self.due_date}"


@tracked
class Pep(models.Model):
    """One version of a child's Personal Education Plan for a term (or their initial PEP).

    Approved versions are locked; changing one means starting a new version, which copies it.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="peps")
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="peps",
        help_text="The child's school when the PEP was due; blank if not on a school roll.",
    )
    kind = models.CharField(max_length=8, choices=PepKind.choices)
    variant = models.CharField(max_length=12, choices=PepVariant.choices)
    academic_year = models.PositiveSmallIntegerField()
    term = models.CharField(max_length=6, choices=[(t.value, t.name.title()) for t in TermName])
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=12, choices=PepStatus.choices, default=PepStatus.NOT_STARTED
    )
    due_date = models.DateField()
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The PEP whose targets this one reviews.",
    )
    meeting_date = models.DateField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    rating = models.CharField(max_length=5, choices=QaRating.choices, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "-academic_year", "due_date", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "kind", "academic_year", "term", "version"],
                name="one_pep_version_per_child_and_term",
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(status__in=["approved", "returned"]),
                name="pep_rated_only_when_reviewed",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="pep_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.child} ({self.term} {self.academic_year})"

    @property
    def is_locked(self) -> bool:
        return self.status == PepStatus.APPROVED


@tracked
class PepSection(models.Model):
    """One section of a PEP, saved on its own: its answers (shaped by peps.sections), whether
    it is marked complete, and who last changed it."""

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=30)
    answers = models.JSONField(default=dict)
    completed = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pep", "key"]
        constraints = [
            models.UniqueConstraint(fields=["pep", "key"], name="one_section_of_each_kind")
        ]

    def __str__(self) -> str:
        return f"{self.pep}: {self.key}"


class TargetReview(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    PARTLY = "partly", "Partly achieved"
    NOT_ACHIEVED = "not", "Not achieved"


class EefApproach(models.TextChoices):
    """The EEF's three tiers, so PP+ spending can be read against the evidence."""

    TEACHING = "teaching", "High-quality teaching"
    TARGETED = "targeted", "Targeted academic support"
    WIDER = "wider", "Wider strategies"


@tracked
class PepTarget(models.Model):
    """A SMART target; the next PEP records whether it was achieved."""

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="targets")
    area = models.CharField(max_length=100)
    target = models.TextField()
    success_measure = models.TextField()
    actions = models.TextField(blank=True)
    who = models.CharField(max_length=200, blank=True)
    by_when = models.DateField(null=True, blank=True)
    eef_approach = models.CharField(max_length=10, choices=EefApproach.choices, blank=True)
    review = models.CharField(max_length=10, choices=TargetReview.choices, blank=True)
    review_note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["pep", "position", "pk"]

    def __str__(self) -> str:
        return self.target[:60]


class PepTransition(models.Model):
    """A step in a PEP's workflow: who moved it from which status to which, when, and why
    (a reason is required to return a PEP)."""

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=PepStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=PepStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank for the scheduler.",
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["pep", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.pep}: {self.from_status or 'new'} → {self.to_status}"


class SectionFeedback(models.Model):
    """A reviewer's comment on one section, given when returning or approving."""

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="feedback")
    section_key = models.CharField(max_length=30)
    comment = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pep", "at"]

    def __str__(self) -> str:
        return f"{self.pep}: {self.section_key}"


class Notification(models.Model):
    """An item on a person's home-page task list (also sent by email)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="+")
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message[:60]
