from decimal import Decimal

from django.conf import settings
from django.db import models

from pupils.models import Child


class AlertKind(models.TextChoices):
    SUSPENSION = "suspension", "Suspended or excluded"
    UNAUTHORISED_ABSENCE = "unauthorised", "Unauthorised absence"
    LOW_ATTENDANCE = "low_attendance", "Low attendance this term"
    NO_MARKS = "no_marks", "No attendance received"
    REDUCED_TIMETABLE = "reduced_timetable", "Part-time timetable without an agreement"
    SUSPENSION_DAYS = "suspension_days", "Suspensions over 45 days this year"


class AlertRule(models.Model):
    """A rule the Virtual School can switch off or tune. Each kind uses the parameters its
    help text names; defaults are set by a data migration."""

    kind = models.CharField(max_length=20, choices=AlertKind.choices, unique=True)
    enabled = models.BooleanField(default=True)
    sessions = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Unauthorised absence: this many sessions …"
    )
    school_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="… within this many school days; no marks: for this many school days.",
    )
    threshold_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Low attendance: below this percentage this term.",
    )

    def __str__(self) -> str:
        return self.get_kind_display()


DEFAULT_RULES: dict[str, dict] = {
    AlertKind.SUSPENSION: {},
    AlertKind.UNAUTHORISED_ABSENCE: {"sessions": 4, "school_days": 10},
    AlertKind.LOW_ATTENDANCE: {"threshold_percent": Decimal("90")},
    AlertKind.NO_MARKS: {"school_days": 3},
    AlertKind.REDUCED_TIMETABLE: {},
    AlertKind.SUSPENSION_DAYS: {},
}


class Alert(models.Model):
    """Something about a child the caseworker should act on today. `key` identifies the
    occurrence (the day, the window, the term) so re-running the rules never raises the same
    alert twice."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    key = models.CharField(max_length=50)
    message = models.TextField()
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["child", "kind", "key"], name="alert_raised_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.child}"
