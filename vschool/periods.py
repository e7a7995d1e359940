"""Records that hold for a period of dates: an enrolment, an allocation, an SEN status.

`end_date` is the last day the record applied (inclusive); an open record has none. Care
episodes are the exception and follow SSDA903: their end date is the day the episode ceased.
"""

from datetime import date

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Q


class DateRange(models.Func):
    function = "DATERANGE"
    output_field = DateRangeField()


def no_overlap(name: str, *same: str, inclusive_end: bool = True, condition: Q | None = None):
    """A database constraint: two rows with the same values of `same` never cover one day."""
    bounds = RangeBoundary(inclusive_lower=True, inclusive_upper=inclusive_end)
    return ExclusionConstraint(
        name=name,
        expressions=[
            *((field, RangeOperators.EQUAL) for field in same),
            (DateRange("start_date", "end_date", bounds), RangeOperators.OVERLAPS),
        ],
        condition=condition,
        violation_error_message="This overlaps the dates of another record of the same kind.",
    )


def ends_after_start(name: str, *, allow_same_day: bool = True) -> models.CheckConstraint:
    after = Q(end_date__gte=F("start_date")) if allow_same_day else Q(end_date__gt=F("start_date"))
    return models.CheckConstraint(
        condition=Q(end_date__isnull=True) | after,
        name=name,
        violation_error_message="The end date must not be before the start date.",
    )


class PeriodQuerySet(models.QuerySet):
    def current(self, on: date) -> "PeriodQuerySet":
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)

    def overlapping(self, start: date, end: date) -> "PeriodQuerySet":
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=start), start_date__lte=end)


class Period(models.Model):
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="The last day it applied.")

    objects = PeriodQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_current(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)
