from django.conf import settings
from django.db import models
from django.db.models import Q

from pupils.models import Child


class FeedKind(models.TextChoices):
    ATTENDANCE = "attendance", "Daily attendance"
    EXCLUSIONS = "exclusions", "Suspensions and exclusions"


class FeedLayout(models.TextChoices):
    DAY_ROWS = "day", "One row per child per day, with AM and PM columns"
    SESSION_ROWS = "session", "One row per child per session"


class FeedMapping(models.Model):
    """How to read a supplier's file whose layout differs from the default: which column holds
    each field, the date format and the row layout. Saved by an admin, no code needed."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=12, choices=FeedKind.choices)
    layout = models.CharField(max_length=8, choices=FeedLayout.choices, default=FeedLayout.DAY_ROWS)
    columns = models.JSONField(
        default=dict, help_text="Our field name → the column heading in the supplier's file."
    )
    date_format = models.CharField(max_length=20, default="%d/%m/%Y")
    delimiter = models.CharField(max_length=1, blank=True, help_text="Blank: detect it.")

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    CHECKED = "checked", "Checked, waiting to be imported"
    QUEUED = "queued", "Waiting to be imported"
    RUNNING = "running", "Importing"
    IMPORTED = "imported", "Imported"
    DISCARDED = "discarded", "Discarded"
    FAILED = "failed", "Could not be read"


class AttendanceImport(models.Model):
    """One Welfare Call file. The content hash is unique per kind, so the same file arriving
    twice (under any name) is recognised and never applied twice."""

    kind = models.CharField(max_length=12, choices=FeedKind.choices)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    file = models.FileField(upload_to="feeds/%Y/%m/")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    mapping = models.ForeignKey(FeedMapping, on_delete=models.PROTECT, null=True, blank=True)
    source = models.CharField(max_length=20, help_text="upload or inbox")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank when picked up from the inbox.",
    )
    counts = models.JSONField(default=dict)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "sha256"],
                condition=~Q(status__in=["discarded", "failed"]),
                name="each_feed_file_imported_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"


class HeldStatus(models.TextChoices):
    HELD = "held", "Held"
    LINKED = "linked", "Linked to a child and applied"
    DISMISSED = "dismissed", "Dismissed"


class HeldFeedRow(models.Model):
    """A row not applied, with the reason. Rows for a child we do not know are `unmatched`: a
    caseworker can link them to a child, and the held marks are then applied."""

    feed_import = models.ForeignKey(
        AttendanceImport, on_delete=models.CASCADE, related_name="held_rows"
    )
    row_number = models.PositiveIntegerField()
    data = models.JSONField()
    reason = models.TextField()
    unmatched = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=HeldStatus.choices, default=HeldStatus.HELD)
    linked_child = models.ForeignKey(
        Child, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["feed_import", "row_number"]
        indexes = [
            models.Index(
                fields=["unmatched", "status"],
                name="held_feed_row_open_unmatched",
                condition=Q(unmatched=True, status="held"),
            )
        ]

    def __str__(self) -> str:
        return f"Row {self.row_number}: {self.reason}"


class FeedChildAlias(models.Model):
    """An identifier the feed uses for a child that is not their LA child ID, remembered when a
    caseworker links an unmatched row, so the next day's file matches on its own."""

    feed_child_id = models.CharField(max_length=50, unique=True)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.feed_child_id} → {self.child_id}"
