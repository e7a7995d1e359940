"""Shared by the services of a child's record: one attributed transaction per change, every
problem collected and raised at once, and constraint violations turned into plain English."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from vschool.dates import long_date
from vschool.history import attributed
from vschool.services import Errors

LA_CODE = re.compile(r"^\d{3}$")
POSTCODE_DISTRICT = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
FULL_TIME_HOURS = Decimal("32.5")  # the usual school week; a reduced timetable is less

# Which constraint tripped, in words a caseworker can act on (the IntegrityError backstop).
CONSTRAINT_MESSAGES = {
    "pupils_child_la_child_id_key": ("la_child_id", "Another child already has this LA child ID."),
    "child_upn_unique_when_present": ("upn", "Another child already has this UPN."),
    "pupils_school_urn_key": ("urn", "A school with this URN is already recorded."),
    "one_allocation_per_role_at_a_time": (
        "start_date",
        "These dates overlap another allocation of the same role for this child.",
    ),
    "one_main_enrolment_at_a_time": (
        "start_date",
        "These dates overlap another main school place for this child.",
    ),
    "care_episodes_do_not_overlap": (
        "start_date",
        "These dates overlap another care episode for this child.",
    ),
    "sen_records_do_not_overlap": (
        "start_date",
        "These dates overlap another SEN record for this child.",
    ),
    "reduced_timetables_do_not_overlap": (
        "start_date",
        "These dates overlap another reduced timetable at this school.",
    ),
    "one_inspection_per_school_per_day": (
        "inspection_date",
        "An inspection on this date is already recorded for this school.",
    ),
}


# --- Shared helpers ---------------------------------------------------------------------------


def day_before(day: date) -> date:
    return day - timedelta(days=1)


def constraint_name(error: IntegrityError) -> str | None:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


@contextmanager
def attributed_write(acting_user, source: str) -> Iterator[None]:
    """One transaction, attributed in the history; a constraint violation that slipped past
    the checks comes back as a ValidationError, not a server error."""
    try:
        with transaction.atomic(), attributed(acting_user=acting_user, source=source):
            yield
    except IntegrityError as error:
        field, message = CONSTRAINT_MESSAGES.get(
            constraint_name(error),
            (None, "This change clashes with another record. Check the dates and try again."),
        )
        raise ValidationError({field: message} if field else message) from error


def check_la_code(errors: Errors, field: str, value: str, what: str) -> None:
    if value and not LA_CODE.match(value):
        errors.add(field, f"{what} must be a 3-digit local authority code, like 874")


def check_hours(errors: Errors, hours: Decimal | None, *, required: bool) -> None:
    if hours is None:
        if required:
            errors.add("hours_per_week", "Enter the agreed hours a week, for example 15")
    elif not Decimal(0) < hours < FULL_TIME_HOURS:
        errors.add(
            "hours_per_week",
            f"Hours a week must be more than 0 and less than {FULL_TIME_HOURS} (a full week)",
        )


def check_period(errors: Errors, start: date, end: date | None) -> None:
    if end is not None and end < start:
        errors.add(
            "end_date", f"The end date must be on or after the start date ({long_date(start)})"
        )
