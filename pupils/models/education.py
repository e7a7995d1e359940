from django.conf import settings
from django.db import models
from django.db.models import Q

from pupils.codes import SenNeed, SenProvision
from pupils.models.children import Child
from pupils.models.schools import School
from vschool.history import tracked
from vschool.periods import Period, ends_after_start, no_overlap


class EnrolmentKind(models.TextChoices):
    MAIN = "main", "Main registration"
    SUBSIDIARY = "subsidiary", "Subsidiary (dual registration)"


@tracked
class Enrolment(Period):
    """A child on a school's roll. A child has at most one main registration at a time, and
    may also be dual-registered (subsidiary) at a PRU or another school."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments")
    kind = models.CharField(
        max_length=12, choices=EnrolmentKind.choices, default=EnrolmentKind.MAIN
    )
    year_group = models.SmallIntegerField(
        null=True, blank=True, help_text="The year group the child joined the school in."
    )
    is_phase_transfer = models.BooleanField(
        "normal phase transfer",
        default=False,
        help_text="The move to this school was the usual move between phases, such as primary "
        "to secondary, rather than a mid-phase school move.",
    )

    class Meta:
        ordering = ["child", "-start_date"]
        constraints = [
            ends_after_start("enrolment_ends_after_start"),
            no_overlap(
                "one_main_enrolment_at_a_time", "child", condition=Q(kind=EnrolmentKind.MAIN)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child} at {self.school} from {self.start_date}"


@tracked
class ReducedTimetable(Period):
    """An agreed part-time timetable: attendance code C2 is expected while one is in place."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="reduced_timetables"
    )
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    reason = models.TextField()

    class Meta:
        ordering = ["enrolment", "-start_date"]
        constraints = [
            ends_after_start("reduced_timetable_ends_after_start"),
            no_overlap("reduced_timetables_do_not_overlap", "enrolment"),
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0) & Q(hours_per_week__lt=32.5),
                name="reduced_timetable_hours_are_part_time",
            ),
        ]


class ProvisionPattern(models.TextChoices):
    FULL_TIME = "full_time", "Full-time"
    PART_TIME = "part_time", "Part-time"


@tracked
class AlternativeProvision(Period):
    """Education arranged away from the child's school (tuition, a PRU place, a vocational
    provider). The Virtual School Head must agree it for a child in care."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="alternative_provisions"
    )
    provider_name = models.CharField(max_length=200)
    provider_school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alternative_provisions",
        help_text="If the provider has a URN.",
    )
    pattern = models.CharField(max_length=10, choices=ProvisionPattern.choices)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    reason = models.TextField()
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The Virtual School Head who agreed it.",
    )
    agreed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["child", "-start_date"]
        constraints = [ends_after_start("alternative_provision_ends_after_start")]


@tracked
class SenRecord(Period):
    """A child's special educational needs provision from a date: none, SEN support or an
    EHC plan, with the primary and secondary need."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="sen_records")
    provision = models.CharField(max_length=1, choices=SenProvision.choices)
    primary_need = models.CharField(max_length=4, choices=SenNeed.choices, blank=True)
    secondary_need = models.CharField(max_length=4, choices=SenNeed.choices, blank=True)
    ehcp_issuing_la_code = models.CharField("EHCP issued by (LA code)", max_length=3, blank=True)

    class Meta:
        ordering = ["child", "-start_date"]
        constraints = [
            ends_after_start("sen_record_ends_after_start"),
            no_overlap("sen_records_do_not_overlap", "child"),
            models.CheckConstraint(
                condition=Q(provision=SenProvision.NONE, primary_need="", secondary_need="")
                | ~Q(provision=SenProvision.NONE),
                name="no_need_recorded_without_sen",
            ),
            models.CheckConstraint(
                condition=Q(ehcp_issuing_la_code="") | Q(provision=SenProvision.EHCP),
                name="ehcp_authority_only_with_an_ehcp",
            ),
        ]
