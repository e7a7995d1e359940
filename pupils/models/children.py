from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from pupils.codes import Ethnicity, Sex
from pupils.identifiers import upn_is_temporary, validate_uln, validate_upn
from vschool import dates
from vschool.history import tracked
from vschool.periods import Period, ends_after_start, no_overlap


@tracked
class Child(models.Model):
    """A child or young person the Virtual School works with, whatever their cohort."""

    la_child_id = models.CharField(
        "LA child ID",
        max_length=20,
        unique=True,
        help_text="The child's ID in the council's social-care system.",
    )
    upn = models.CharField("UPN", max_length=13, blank=True, validators=[validate_upn])
    uln = models.CharField("ULN", max_length=10, blank=True, validators=[validate_uln])
    legal_first_name = models.CharField(max_length=100, blank=True)
    legal_last_name = models.CharField(max_length=100, blank=True)
    preferred_name = models.CharField(
        max_length=100, blank=True, help_text="The name the child likes to be called."
    )
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    home_la_code = models.CharField(
        "responsible local authority code",
        max_length=3,
        blank=True,
        help_text="Blank means this council.",
    )
    year_group_adjustment = models.SmallIntegerField(
        default=0,
        help_text="For a child taught out of their year group: -1 means one year below.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name", "la_child_id"]
        verbose_name_plural = "children"
        # The caseload's default order, read straight from the index a page at a time.
        indexes = [
            models.Index(
                fields=["legal_last_name", "legal_first_name", "la_child_id", "id"],
                name="child_caseload_order",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["upn"], condition=~Q(upn=""), name="child_upn_unique_when_present"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        name = f"{first} {self.legal_last_name}".strip()
        return name or f"Child {self.la_child_id}"

    @property
    def upn_is_temporary(self) -> bool:
        return upn_is_temporary(self.upn)

    def year_group(self, on: date) -> int:
        """National Curriculum year on that day, allowing for teaching out of year group."""
        return dates.national_curriculum_year(self.date_of_birth, on) + self.year_group_adjustment

    def age(self, on: date) -> int:
        return dates.age_on(self.date_of_birth, on)


class AllocationRole(models.TextChoices):
    CASEWORKER = "caseworker", "Virtual School caseworker"
    SOCIAL_WORKER = "social_worker", "Social worker"


@tracked
class Allocation(Period):
    """Who is responsible for a child, from when to when: their Virtual School caseworker and
    their social worker. One of each at a time."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="allocations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations"
    )
    role = models.CharField(max_length=20, choices=AllocationRole.choices)

    class Meta:
        ordering = ["child", "role", "-start_date"]
        constraints = [
            ends_after_start("allocation_ends_after_start"),
            no_overlap("one_allocation_per_role_at_a_time", "child", "role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) for {self.child}"


class Cohort(models.TextChoices):
    CHILD_IN_CARE = "cla", "Child in care"
    PREVIOUSLY_LOOKED_AFTER = "plac", "Previously looked after"
    CHILD_WITH_SOCIAL_WORKER = "cwsw", "Child with a social worker"
    CARE_LEAVER = "care_leaver", "Care leaver"
    KINSHIP = "kinship", "Kinship care"


class PlacRoute(models.TextChoices):
    ADOPTED = "adopted", "Adopted"
    SGO = "sgo", "Special guardianship order"
    CAO = "cao", "Child arrangements order"
    ADOPTED_ABROAD = "adopted_abroad", "Adopted from state care outside England and Wales"


@tracked
class CohortMembership(Period):
    """The Virtual School duty a child falls under, with dates; a child can move between
    cohorts (in care, then adopted and previously looked after) and the history is kept."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="cohort_memberships")
    cohort = models.CharField(max_length=20, choices=Cohort.choices)
    plac_route = models.CharField(
        "how the child left care", max_length=20, choices=PlacRoute.choices, blank=True
    )

    class Meta:
        ordering = ["child", "-start_date"]
        constraints = [
            ends_after_start("cohort_membership_ends_after_start"),
            no_overlap("cohort_memberships_do_not_overlap", "child", "cohort"),
            models.CheckConstraint(
                condition=Q(plac_route="") | Q(cohort="plac"),
                name="plac_route_only_for_previously_looked_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child}: {self.get_cohort_display()} from {self.start_date}"
