import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.db import models

from pupils.models import Child, School


class Session(models.TextChoices):
    AM = "am", "Morning"
    PM = "pm", "Afternoon"


class AttendanceDay(models.Model):
    """A child's two register marks (AM and PM) for one school day, as the feed reports them.

    One row holds both sessions, keyed by child and date, so a session can be recorded only
    once. The row-per-day grain is the feed's own, and it halves the foreign-key checks when a
    year's feed (760,000 marks for 2,000 children) is loaded: each check costs a few
    microseconds in PostgreSQL and they dominate the load. A blank code means "not yet
    collected", never "present".
    """

    pk = models.CompositePrimaryKey("child_id", "date")
    # No separate indexes: the primary key (child, date) serves lookups by child, and each
    # index would slow every load.
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="attendance_days", db_index=False
    )
    date = models.DateField()
    # The import checks the URN against the register of schools; a database foreign key here
    # would add a second per-row check to every load for no further safety.
    school = models.ForeignKey(
        School,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    am = models.CharField("AM code", max_length=3, blank=True)
    pm = models.CharField("PM code", max_length=3, blank=True)
    reason = models.TextField("absence reason given", blank=True)
    comments = models.TextField(blank=True)
    source_import = models.ForeignKey(
        "outcomes.AttendanceImport",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        help_text="The import that last set these marks; blank if entered by hand.",
    )

    class Meta:
        ordering = ["child", "date"]
        # Cohort figures read a term across all children: a BRIN index on the date is tiny
        # and nearly free to keep up to date as rows arrive in date order.
        indexes = [BrinIndex(fields=["date"], name="attendance_day_date_brin")]
        triggers = [
            pgtrigger.Trigger(
                name="keep_corrected_marks",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__am__df=pgtrigger.F("new__am"))
                | pgtrigger.Q(old__pm__df=pgtrigger.F("new__pm")),
                # The acting user, when a person made the change, comes from a setting the
                # service sets for its transaction (SET LOCAL vschool.user_id).
                func="""
                INSERT INTO outcomes_attendancecorrection (
                    child_id, date, old_am, old_pm, new_am, new_pm,
                    old_import_id, new_import_id, corrected_at, corrected_by_id)
                VALUES (
                    OLD.child_id, OLD.date, OLD.am, OLD.pm, NEW.am, NEW.pm,
                    OLD.source_import_id, NEW.source_import_id, now(),
                    NULLIF(current_setting('vschool.user_id', true), '')::bigint);
                RETURN NULL;
                """,
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} {self.date}: {self.am or '-'} {self.pm or '-'}"

    def code(self, session: Session) -> str:
        return self.am if session == Session.AM else self.pm


class AttendanceCorrection(models.Model):
    """A mark replaced by a later file or by hand: the earlier value is kept here, written
    by a database trigger on AttendanceDay so bulk updates are captured too."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    old_am = models.CharField(max_length=3, blank=True)
    old_pm = models.CharField(max_length=3, blank=True)
    new_am = models.CharField(max_length=3, blank=True)
    new_pm = models.CharField(max_length=3, blank=True)
    old_import_id = models.BigIntegerField(null=True, blank=True)
    new_import_id = models.BigIntegerField(null=True, blank=True)
    corrected_at = models.DateTimeField(auto_now_add=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["child", "date", "corrected_at"]
        indexes = [models.Index(fields=["child", "date"])]

    def __str__(self) -> str:
        old, new = f"{self.old_am}/{self.old_pm}", f"{self.new_am}/{self.new_pm}"
        return f"{self.child_id} {self.date}: {old} → {new}"
