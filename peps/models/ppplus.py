from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from peps.models.plans import EefApproach, Pep, PepTarget
from pupils.models import Child, School


class GrantYear(models.Model):
    """A financial year of Pupil Premium Plus (April to March), named by the year it starts:
    what was received, the rate, and the authority's allocation policy."""

    start_year = models.PositiveSmallIntegerField(unique=True, help_text="2025 means 2025-26.")
    grant_received = models.DecimalField(max_digits=12, decimal_places=2)
    rate_per_child = models.DecimalField(max_digits=8, decimal_places=2)
    termly_allocation = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=Decimal("600.00"),
        help_text="Paid to the school for each child when a termly PEP is approved.",
    )

    class Meta:
        ordering = ["-start_year"]

    def __str__(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"


class LedgerCategory(models.TextChoices):
    SCHOOL_ALLOCATION = "school_allocation", "Allocated to schools through PEPs"
    DIRECT_SUPPORT = "direct_support", "Direct support to children"
    TRAINING = "training", "Training"
    CENTRALLY_RETAINED = "centrally_retained", "Centrally retained"


class PpRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    PART_APPROVED = "part_approved", "Part approved"
    DECLINED = "declined", "Declined"


class PpRequest(models.Model):
    """Additional PP+ asked for in a PEP, always against one of its targets."""

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="pp_requests")
    target = models.ForeignKey(PepTarget, on_delete=models.PROTECT, related_name="pp_requests")
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    purpose = models.TextField()
    eef_approach = models.CharField(max_length=10, choices=EefApproach.choices)
    status = models.CharField(
        max_length=14, choices=PpRequestStatus.choices, default=PpRequestStatus.PENDING
    )
    amount_approved = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pp_request_is_positive"),
        ]

    def __str__(self) -> str:
        return f"£{self.amount} for {self.pep.child}"


class LedgerEntry(models.Model):
    """Money committed from a grant year. The annual report's split of PP+ is the sum of these
    by category, so it is computed, never typed."""

    grant_year = models.ForeignKey(GrantYear, on_delete=models.PROTECT, related_name="entries")
    category = models.CharField(max_length=20, choices=LedgerCategory.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    description = models.CharField(max_length=200)
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pep = models.ForeignKey(Pep, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    request = models.OneToOneField(
        PpRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entry"
    )
    overspend_authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The Head, when this entry takes the year over its grant.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["grant_year", "created_at"]
        verbose_name_plural = "ledger entries"
        constraints = [
            # One termly allocation per approved termly PEP, however often the job re-runs.
            models.UniqueConstraint(
                fields=["pep", "category"],
                condition=Q(category="school_allocation", request__isnull=True),
                name="one_termly_allocation_per_pep",
            ),
        ]

    def __str__(self) -> str:
        return f"£{self.amount} {self.get_category_display()}"
