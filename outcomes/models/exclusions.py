from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from outcomes.models.imports import AttendanceImport
from pupils.models import Child, School
from vschool.history import tracked
from vschool.periods import ends_after_start


class ExclusionType(models.TextChoices):
    SUSPENSION = "SUSP", "Suspension"
    PERMANENT = "PERM", "Permanent exclusion"
    LUNCHTIME = "LNCH", "Lunchtime suspension"


class ExclusionOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    WITHDRAWN = "withdrawn", "Withdrawn"
    OVERTURNED = "overturned", "Overturned"


@tracked
class Suspension(models.Model):
    """A suspension, lunchtime suspension or permanent exclusion, from the feed or by hand."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="suspensions")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=4, choices=ExclusionType.choices)
    start_date = models.DateField("first day")
    end_date = models.DateField("last day")
    sessions_lost = models.PositiveSmallIntegerField()
    reasons = ArrayField(
        models.CharField(max_length=2),
        size=3,
        default=list,
        blank=True,
        help_text="Up to three DfE reason codes (fixtures/exclusion_reasons.csv).",
    )
    alternative_provision_from_day_six = models.BooleanField(
        "full-time education arranged from the sixth day", null=True, blank=True
    )
    outcome = models.CharField(
        max_length=10, choices=ExclusionOutcome.choices, default=ExclusionOutcome.UPHELD
    )
    comments = models.TextField(blank=True)
    source_import = models.ForeignKey(
        AttendanceImport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "-start_date"]
        constraints = [
            ends_after_start("suspension_ends_after_start"),
            models.UniqueConstraint(
                fields=["child", "school", "kind", "start_date"], name="one_suspension_record"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.child} from {self.start_date}"

    @property
    def days_lost(self) -> float:
        return self.sessions_lost / 2
