"""School places, reduced timetables, alternative provision and SEN."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from pupils.codes import SenNeed, SenProvision
from pupils.models import (
    AlternativeProvision,
    Child,
    Enrolment,
    EnrolmentKind,
    ProvisionPattern,
    ReducedTimetable,
    School,
    SenRecord,
)
from pupils.services.common import (
    Errors,
    attributed_write,
    check_hours,
    check_la_code,
    check_period,
    day_before,
    long_date,
)
from vschool.accounts.models import Role

# --- School enrolments ------------------------------------------------------------------------


def _main_enrolment_to_end(child: Child, school: School, start_date: date) -> Enrolment | None:
    """The main registration a new main registration from `start_date` replaces, after
    checking the new one can follow it."""
    mains = Enrolment.objects.filter(child=child, kind=EnrolmentKind.MAIN).select_related("school")
    later = mains.filter(start_date__gt=start_date).order_by("start_date").first()
    if later:
        raise ValidationError(
            {
                "start_date": f"The child already has a main school place at {later.school} "
                f"from {long_date(later.start_date)}. A new place must start after that"
            }
        )
    current = mains.current(start_date).first()
    if current is None:
        return None
    if current.school_id == school.pk:
        raise ValidationError(
            {"school": f"The child is already on the roll of {school} on that date"}
        )
    if current.start_date >= start_date:
        raise ValidationError(
            {
                "start_date": f"The place at {current.school} started on "
                f"{long_date(current.start_date)}, so it cannot end the day before "
                f"{long_date(start_date)}. Enter a later start date, or end the place at "
                f"{current.school} instead"
            }
        )
    return current


def _check_subsidiary(child: Child, school: School, start_date: date) -> None:
    if Enrolment.objects.filter(child=child, school=school).current(start_date).exists():
        raise ValidationError(
            {"school": f"The child is already on the roll of {school} on that date"}
        )


def enrolment_add(
    *,
    acting_user,
    child: Child,
    school: School,
    start_date: date,
    kind: str = EnrolmentKind.MAIN,
    year_group: int | None = None,
    is_phase_transfer: bool = False,
) -> Enrolment:
    """Put a child on a school's roll from `start_date`. A new main registration ends the
    current one the day before (a school move); a subsidiary one (dual registration) sits
    alongside it. The year group defaults to the child's own for that date."""
    if start_date < child.date_of_birth:
        raise ValidationError({"start_date": "The start date must be after the child's birth"})
    previous = None
    if kind == EnrolmentKind.MAIN:
        previous = _main_enrolment_to_end(child, school, start_date)
    else:
        _check_subsidiary(child, school, start_date)
    if year_group is None:
        year_group = child.year_group(start_date)
    with attributed_write(acting_user, "School enrolment added"):
        if previous:
            previous.end_date = day_before(start_date)
            previous.save(update_fields=["end_date"])
        return Enrolment.objects.create(
            child=child,
            school=school,
            start_date=start_date,
            kind=kind,
            year_group=year_group,
            is_phase_transfer=is_phase_transfer and kind == EnrolmentKind.MAIN,
        )


def enrolment_end(*, acting_user, enrolment: Enrolment, end_date: date) -> Enrolment:
    """Take a child off a school's roll: `end_date` is their last day on it. A reduced
    timetable at that school ends with the place."""
    if end_date < enrolment.start_date:
        raise ValidationError(
            {
                "end_date": "The last day must be on or after the day the place started "
                f"({long_date(enrolment.start_date)})"
            }
        )
    timetables = enrolment.reduced_timetables.all()
    starts_later = timetables.filter(start_date__gt=end_date).order_by("start_date").first()
    if starts_later:
        raise ValidationError(
            {
                "end_date": "A reduced timetable at this school starts on "
                f"{long_date(starts_later.start_date)}, after that date. Enter a later date"
            }
        )
    if enrolment.kind == EnrolmentKind.MAIN:
        clash = (
            Enrolment.objects.filter(child=enrolment.child_id, kind=EnrolmentKind.MAIN)
            .exclude(pk=enrolment.pk)
            .overlapping(enrolment.start_date, end_date)
            .select_related("school")
            .first()
        )
        if clash:
            raise ValidationError(
                {
                    "end_date": f"The child's place at {clash.school} starts on "
                    f"{long_date(clash.start_date)}. Enter a date before that"
                }
            )
    with attributed_write(acting_user, "School enrolment ended"):
        timetables.filter(Q(end_date__isnull=True) | Q(end_date__gt=end_date)).update(
            end_date=end_date
        )
        enrolment.end_date = end_date
        enrolment.save(update_fields=["end_date"])
    return enrolment


def reduced_timetable_add(
    *,
    acting_user,
    enrolment: Enrolment,
    start_date: date,
    hours_per_week: Decimal,
    reason: str,
    end_date: date | None = None,
) -> ReducedTimetable:
    """Record an agreed part-time timetable at a school, within the child's time there."""
    errors = Errors()
    if end_date is None:
        end_date = enrolment.end_date  # it cannot outlast the place
    elif enrolment.end_date and end_date > enrolment.end_date:
        errors.add("end_date", f"The place ends on {long_date(enrolment.end_date)}")
    if enrolment.is_current(start_date):
        check_period(errors, start_date, end_date)
    else:
        errors.add("start_date", "The reduced timetable must start while the child is on roll")
    check_hours(errors, hours_per_week, required=True)
    if not reason.strip():
        errors.add("reason", "Enter why the child is on a reduced timetable")
    errors.raise_any()
    clash = enrolment.reduced_timetables.overlapping(start_date, end_date or date.max).first()
    if clash:
        raise ValidationError(
            {"start_date": f"A reduced timetable from {long_date(clash.start_date)} overlaps"}
        )
    with attributed_write(acting_user, "Reduced timetable added"):
        return ReducedTimetable.objects.create(
            enrolment=enrolment,
            start_date=start_date,
            end_date=end_date,
            hours_per_week=hours_per_week,
            reason=reason.strip(),
        )


def _check_agreement(errors: Errors, acting_user, agreed_by, agreed_on: date | None) -> None:
    """Only the Virtual School Head agrees alternative provision, and only they record it."""
    if agreed_by is None:
        if agreed_on is not None:
            errors.add("agreed_on", "Say who agreed the arrangement, or leave the date blank")
        return
    if acting_user.role != Role.HEAD:
        errors.add("agreed_by", "Only the Virtual School Head can record their agreement")
    elif agreed_by.role != Role.HEAD:
        errors.add("agreed_by", "Alternative provision is agreed by the Virtual School Head")


def alternative_provision_add(
    *,
    acting_user,
    child: Child,
    provider_name: str,
    pattern: str,
    reason: str,
    start_date: date,
    end_date: date | None = None,
    hours_per_week: Decimal | None = None,
    provider_school: School | None = None,
    agreed_by=None,
    agreed_on: date | None = None,
) -> AlternativeProvision:
    """Record education arranged away from the child's school."""
    provider_name = provider_name.strip() or (provider_school.name if provider_school else "")
    errors = Errors()
    if not provider_name:
        errors.add("provider_name", "Enter the name of the provider")
    if not reason.strip():
        errors.add("reason", "Enter why the child needs alternative provision")
    check_period(errors, start_date, end_date)
    check_hours(errors, hours_per_week, required=pattern == ProvisionPattern.PART_TIME)
    _check_agreement(errors, acting_user, agreed_by, agreed_on)
    errors.raise_any()
    if agreed_by is not None and agreed_on is None:
        agreed_on = timezone.localdate()
    with attributed_write(acting_user, "Alternative provision added"):
        return AlternativeProvision.objects.create(
            child=child,
            provider_name=provider_name,
            provider_school=provider_school,
            pattern=pattern,
            hours_per_week=hours_per_week,
            reason=reason.strip(),
            start_date=start_date,
            end_date=end_date,
            agreed_by=agreed_by,
            agreed_on=agreed_on,
        )


# --- Special educational needs ----------------------------------------------------------------


def _check_sen(
    provision: str, primary_need: str, secondary_need: str, ehcp_issuing_la_code: str
) -> None:
    errors = Errors()
    if provision == SenProvision.NONE:
        if primary_need or secondary_need:
            errors.add("primary_need", "Leave the type of need blank for a child with no SEN")
    elif not primary_need:
        errors.add("primary_need", "Select the child's main type of need")
    if secondary_need and secondary_need == primary_need:
        errors.add("secondary_need", "The secondary need must differ from the primary need")
    if provision == SenProvision.EHCP and SenNeed.NSA in (primary_need, secondary_need):
        errors.add("primary_need", "A child with an EHC plan has had their needs assessed")
    if ehcp_issuing_la_code and provision != SenProvision.EHCP:
        errors.add("ehcp_issuing_la_code", "Only an EHC plan has an issuing authority")
    check_la_code(errors, "ehcp_issuing_la_code", ehcp_issuing_la_code, "The issuing authority")
    errors.raise_any()


def sen_change(
    *,
    acting_user,
    child: Child,
    start_date: date,
    provision: str,
    primary_need: str = "",
    secondary_need: str = "",
    ehcp_issuing_la_code: str = "",
) -> SenRecord:
    """Record the child's SEN provision from `start_date`: the current record ends the day
    before. A change dated the day the current record started corrects it in place."""
    _check_sen(provision, primary_need, secondary_need, ehcp_issuing_la_code)
    records = SenRecord.objects.filter(child=child)
    later = records.filter(start_date__gt=start_date).order_by("start_date").first()
    if later:
        raise ValidationError(
            {
                "start_date": "A later SEN record starts on "
                f"{long_date(later.start_date)}. Enter a date after that"
            }
        )
    values = {
        "provision": provision,
        "primary_need": primary_need,
        "secondary_need": secondary_need,
        "ehcp_issuing_la_code": ehcp_issuing_la_code,
    }
    current = records.current(start_date).first()
    if current and all(getattr(current, name) == value for name, value in values.items()):
        raise ValidationError(
            {"provision": f"This is already recorded from {long_date(current.start_date)}"}
        )
    if current and current.start_date == start_date:
        with attributed_write(acting_user, "SEN record corrected"):
            for name, value in values.items():
                setattr(current, name, value)
            current.save(update_fields=list(values))
        return current
    with attributed_write(acting_user, "SEN changed"):
        if current:
            current.end_date = day_before(start_date)
            current.save(update_fields=["end_date"])
        return SenRecord.objects.create(child=child, start_date=start_date, **values)
