from django.conf import settings
from django.db import models


class ImportKind(models.TextChoices):
    SSDA903 = "ssda903", "Social-care extract (SSDA903)"
    GIAS = "gias", "Schools (GIAS establishment list)"


class ImportStatus(models.TextChoices):
    CHECKED = "checked", "Checked, waiting to be imported"
    IMPORTED = "imported", "Imported"
    DISCARDED = "discarded", "Discarded"
    FAILED = "failed", "Could not be read"


class ImportRun(models.Model):
    """One import of a file (or set of files): who sent it, its fingerprint, what it did, and
    the rows that were held back with the reason for each."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank for a scheduled or command-line import.",
    )
    source = models.CharField(max_length=100, help_text="Upload, command line or inbox.")
    file_names = models.JSONField(default=list)
    sha256 = models.CharField(max_length=64, help_text="Fingerprint of the files' contents.")
    counts = models.JSONField(
        default=dict, help_text="Rows read, records created, updated, unchanged and held."
    )
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.created_at:%d %B %Y %H:%M}"


class ImportFile(models.Model):
    """An uploaded file kept between the preview and the import."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=30, help_text="Which file of the set, e.g. 'episodes'.")
    name = models.CharField(max_length=255)
    content = models.FileField(upload_to="imports/%Y/%m/")

    def __str__(self) -> str:
        return self.name


class HeldRow(models.Model):
    """A row that was not imported, with the reason in plain English."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="held_rows")
    file_name = models.CharField(max_length=255)
    row_number = models.PositiveIntegerField(help_text="As a spreadsheet numbers it (header = 1).")
    data = models.JSONField()
    reason = models.TextField()

    class Meta:
        ordering = ["run", "file_name", "row_number"]

    def __str__(self) -> str:
        return f"{self.file_name} row {self.row_number}: {self.reason}"
