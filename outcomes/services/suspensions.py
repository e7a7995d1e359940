"""Recording a suspension or permanent exclusion by hand (the feed brings the rest).

The rules are checked first and every problem comes back at once as a plain-English
ValidationError keyed by the field to correct; the database's unique key is the backstop.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from outcomes.codes import exclusion_reasons
from outcomes.models import ExclusionOutcome, ExclusionType, Suspension
from outcomes.tasks import alerts_evaluate_task
from pupils.models import Child, School
from pupils.services import long_date
from vschool.dates import weekdays
from vschool.history import attributed
from vschool.services import Errors

MAX_REASONS = 3


def max_sessions(kind: str, start: date, end: date) -> int:
    """Two sessions a school day; a lunchtime suspension loses one session a day."""
    days = len(weekdays(start, end))
    return days if kind == ExclusionType.LUNCHTIME else 2 * days


def _check_dates(errors: Errors, start: date, end: date) -> bool:
    """True if the dates make a range the sessions can be checked against."""
    if start.weekday() >= 5:
        errors.add("start_date", "The first day must be a school day, Monday to Friday")
    if end.weekday() >= 5:
        errors.add("end_date", "The last day must be a school day, Monday to Friday")
    if end < start:
        errors.add("end_date", "The last day must be the same as or after the first day")
        return False
    return True


def _check_sessions(errors: Errors, kind: str, start: date, end: date, sessions: int) -> None:
    if sessions < 1:
        errors.add("sessions_lost", "Sessions lost must be 1 or more")
        return
    most = max_sessions(kind, start, end)
    if sessions > most:
        days = len(weekdays(start, end))
        per_day = "1 session" if kind == ExclusionType.LUNCHTIME else "2 sessions"
        errors.add(
            "sessions_lost",
            f"Sessions lost must be {most} or fewer: {per_day} for each of the {days} school "
            f"days from {long_date(start)} to {long_date(end)}",
        )


def _check_reasons(errors: Errors, reasons: list[str], start: date) -> None:
    known = exclusion_reasons()
    if not reasons:
        errors.add("reasons", "Select the reason for the suspension")
        return
    if len(reasons) > MAX_REASONS:
        errors.add("reasons", f"Select no more than {MAX_REASONS} reasons")
    if len(set(reasons)) != len(reasons):
        errors.add("reasons", "Select each reason only once")
    for code in reasons:
        reason = known.get(code)
        if reason is None:
            errors.add("reasons", f"{code} is not a DfE exclusion reason")
        elif not reason.valid_on(start):
            errors.add(
                "reasons",
                f"‘{reason.meaning}’ ({code}) was not in use on {long_date(start)}: "
                "select a reason in use on the first day",
            )


def _check(
    *,
    child: Child,
    school: School,
    kind: str,
    start_date: date,
    end_date: date,
    sessions_lost: int,
    reasons: list[str],
    outcome: str,
) -> None:
    errors = Errors()
    if kind not in ExclusionType.values:
        errors.add("kind", "Select the type of suspension or exclusion")
    if outcome not in ExclusionOutcome.values:
        errors.add("outcome", "Select the outcome")
    if _check_dates(errors, start_date, end_date):
        _check_sessions(errors, kind, start_date, end_date, sessions_lost)
    _check_reasons(errors, reasons, start_date)
    duplicate = Suspension.objects.filter(
        child=child, school=school, kind=kind, start_date=start_date
    )
    if duplicate.exists():
        label = ExclusionType(kind).label.lower() if kind in ExclusionType.values else "record"
        errors.add(
            "start_date",
            f"A {label} from {school.name} starting on {long_date(start_date)} is already "
            "recorded for this child",
        )
    errors.raise_any()


def suspension_record(
    *,
    acting_user,
    child: Child,
    school: School,
    kind: str,
    start_date: date,
    end_date: date,
    sessions_lost: int,
    reasons: list[str],
    alternative_provision_from_day_six: bool | None,
    outcome: str = ExclusionOutcome.UPHELD,
    comments: str = "",
) -> Suspension:
    """Record a suspension, lunchtime suspension or permanent exclusion entered by a user."""
    _check(
        child=child,
        school=school,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        sessions_lost=sessions_lost,
        reasons=reasons,
        outcome=outcome,
    )
    try:
        with (
            transaction.atomic(),
            attributed(acting_user=acting_user, source="Suspension recorded"),
        ):
            # The caseworker hears of it the same day, not at the next morning's run.
            transaction.on_commit(lambda: alerts_evaluate_task.delay([child.pk]))
            return Suspension.objects.create(
                child=child,
                school=school,
                kind=kind,
                start_date=start_date,
                end_date=end_date,
                sessions_lost=sessions_lost,
                reasons=list(reasons),
                alternative_provision_from_day_six=alternative_provision_from_day_six,
                outcome=outcome,
                comments=comments.strip(),
                recorded_by=acting_user,
            )
    except IntegrityError as error:
        # Another user recorded the same suspension a moment ago.
        raise ValidationError(
            {"start_date": "This suspension has just been recorded by someone else"}
        ) from error
