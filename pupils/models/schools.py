from django.conf import settings
from django.db import models
from django.db.models import Q

from pupils.identifiers import validate_urn
from vschool.history import tracked
from vschool.periods import Period, ends_after_start, no_overlap


class Phase(models.TextChoices):
    NURSERY = "nursery", "Nursery"
    PRIMARY = "primary", "Primary"
    MIDDLE = "middle", "Middle"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"
    ALTERNATIVE = "alternative", "PRU or alternative provision"
    FURTHER_EDUCATION = "further_education", "Further education college"
    INDEPENDENT = "independent", "Independent"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class SchoolQuerySet(models.QuerySet):
    def in_home_authority(self) -> "SchoolQuerySet":
        return self.filter(la_code=settings.LA_CODE)


class School(models.Model):
    """An education setting from the DfE register of schools (GIAS), keyed by URN."""

    urn = models.CharField("URN", max_length=6, unique=True, validators=[validate_urn])
    la_code = models.CharField("local authority code", max_length=3)
    la_name = models.CharField("local authority", max_length=100, blank=True)
    establishment_number = models.CharField(max_length=4, blank=True)
    name = models.CharField(max_length=200)
    type_name = models.CharField("type of establishment", max_length=100, blank=True)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    postcode = models.CharField(max_length=8, blank=True)
    is_open = models.BooleanField(default=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def laestab(self) -> str:
        """The DfE number: LA code and establishment number, e.g. 8741234."""
        return f"{self.la_code}{self.establishment_number}" if self.establishment_number else ""

    @property
    def in_home_authority(self) -> bool:
        return self.la_code == settings.LA_CODE


class OfstedFramework(models.TextChoices):
    GRADED = "graded", "Graded inspection with an overall grade (to August 2024)"
    SUB_JUDGEMENTS = "sub_judgements", "Graded areas, no overall grade (September 2024 on)"
    REPORT_CARD = "report_card", "Report card (from November 2025)"


class OfstedGrade(models.IntegerChoices):
    OUTSTANDING = 1, "Outstanding"
    GOOD = 2, "Good"
    REQUIRES_IMPROVEMENT = 3, "Requires improvement"
    INADEQUATE = 4, "Inadequate"


class OfstedInspection(models.Model):
    """One inspection. Frameworks are not comparable, so each keeps its own grades: an overall
    grade only under the graded framework, area grades (by area name) under the others."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="inspections")
    inspection_date = models.DateField()
    framework = models.CharField(max_length=20, choices=OfstedFramework.choices)
    overall_grade = models.PositiveSmallIntegerField(
        choices=OfstedGrade.choices, null=True, blank=True
    )
    area_grades = models.JSONField(default=dict, blank=True)
    safeguarding_met = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["school", "-inspection_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "inspection_date"], name="one_inspection_per_school_per_day"
            ),
            models.CheckConstraint(
                condition=Q(overall_grade__isnull=True) | Q(framework="graded"),
                name="overall_grade_only_under_graded_framework",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} inspected {self.inspection_date:%d %B %Y}"


@tracked
class DesignatedTeacher(Period):
    """A user who is the designated teacher for children in care at a school, for a time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="designated_teacher_posts"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="designated_teachers")

    class Meta:
        ordering = ["school", "-start_date"]
        constraints = [
            ends_after_start("designated_teacher_ends_after_start"),
            no_overlap("designated_teacher_posts_do_not_overlap", "user", "school"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.school}"
