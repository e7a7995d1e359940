"""Schools and their Ofsted inspections."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from pupils.identifiers import validate_urn
from pupils.models import (
    OfstedFramework,
    OfstedInspection,
    School,
)
from pupils.services.common import (
    LA_CODE,
    Errors,
    attributed_write,
)

# --- Schools ----------------------------------------------------------------------------------

SCHOOL_FIELDS = frozenset(
    {
        "urn",
        "name",
        "la_code",
        "la_name",
        "establishment_number",
        "type_name",
        "phase",
        "postcode",
        "is_open",
    }
)


def _check_school(school: School) -> None:
    errors = Errors()
    try:
        validate_urn(school.urn)
    except ValidationError:
        errors.add("urn", "Enter the school's URN: 6 digits, like 110123")
    else:
        clash = School.objects.exclude(pk=school.pk).filter(urn=school.urn).first()
        if clash:
            errors.add("urn", f"URN {school.urn} is already recorded, for {clash.name}")
    if not school.name:
        errors.add("name", "Enter the school's name")
    if not LA_CODE.match(school.la_code):
        errors.add("la_code", "Enter the 3-digit code of the school's local authority, like 874")
    if school.establishment_number and not re.fullmatch(r"\d{4}", school.establishment_number):
        errors.add("establishment_number", "The establishment number is 4 digits, like 2001")
    errors.raise_any()
    school.full_clean(validate_unique=False, validate_constraints=False)


def _tidy_school(school: School) -> None:
    for name in ("urn", "name", "la_code", "la_name", "establishment_number", "type_name"):
        setattr(school, name, getattr(school, name).strip())
    school.postcode = school.postcode.strip().upper()


def school_create(
    *,
    acting_user,
    urn: str,
    name: str,
    la_code: str,
    phase: str,
    la_name: str = "",
    establishment_number: str = "",
    type_name: str = "",
    postcode: str = "",
    is_open: bool = True,
) -> School:
    """Add a school or setting that is not yet in the register import."""
    school = School(
        urn=urn,
        name=name,
        la_code=la_code,
        phase=phase,
        la_name=la_name,
        establishment_number=establishment_number,
        type_name=type_name,
        postcode=postcode,
        is_open=is_open,
    )
    _tidy_school(school)
    _check_school(school)
    with attributed_write(acting_user, "School added"):
        school.save()
    return school


def school_update(*, acting_user, school: School, **changes) -> School:
    unknown = set(changes) - SCHOOL_FIELDS
    if unknown:
        raise TypeError(f"school_update() cannot change {', '.join(sorted(unknown))}")
    before = {name: getattr(school, name) for name in changes}
    for name, value in changes.items():
        setattr(school, name, value)
    _tidy_school(school)
    changed = [name for name in changes if getattr(school, name) != before[name]]
    if not changed:
        return school
    try:
        _check_school(school)
    except ValidationError:
        for name, value in before.items():
            setattr(school, name, value)
        raise
    with attributed_write(acting_user, "School changed"):
        school.save(update_fields=changed)
    return school


def ofsted_inspection_add(
    *,
    acting_user,
    school: School,
    inspection_date: date,
    framework: str,
    overall_grade: int | None = None,
    area_grades: dict[str, int] | None = None,
    safeguarding_met: bool | None = None,
) -> OfstedInspection:
    """Add an inspection to a school's history. Frameworks are not comparable: only the
    graded framework (to August 2024) has an overall grade."""
    errors = Errors()
    if inspection_date > timezone.localdate():
        errors.add("inspection_date", "The inspection date must be today or in the past")
    if framework == OfstedFramework.GRADED and overall_grade is None:
        errors.add("overall_grade", "Select the overall grade")
    if framework != OfstedFramework.GRADED and overall_grade is not None:
        errors.add(
            "overall_grade", "Only a graded inspection (to August 2024) has an overall grade"
        )
    if any(grade not in (1, 2, 3, 4) for grade in (area_grades or {}).values()):
        errors.add("area_grades", "Each area grade is 1 (outstanding) to 4 (inadequate)")
    if school.inspections.filter(inspection_date=inspection_date).exists():
        errors.add("inspection_date", "An inspection on this date is already recorded")
    errors.raise_any()
    with attributed_write(acting_user, "Ofsted inspection added"):
        return OfstedInspection.objects.create(
            school=school,
            inspection_date=inspection_date,
            framework=framework,
            overall_grade=overall_grade,
            area_grades=area_grades or {},
            safeguarding_met=safeguarding_met,
        )
