"""Children and the people allocated to them."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from pupils.identifiers import normalise_upn, upn_problem, validate_uln
from pupils.models import (
    Allocation,
    AllocationRole,
    Child,
    Cohort,
    CohortMembership,
)
from pupils.services.common import (
    Errors,
    attributed_write,
    check_la_code,
    day_before,
    long_date,
)
from vschool.accounts.models import Role

# --- Children ---------------------------------------------------------------------------------

CHILD_FIELDS = frozenset(
    {
        "la_child_id",
        "upn",
        "uln",
        "legal_first_name",
        "legal_last_name",
        "preferred_name",
        "date_of_birth",
        "sex",
        "ethnicity",
        "home_la_code",
        "year_group_adjustment",
    }
)


def _check_child(child: Child) -> None:
    """Identity rules: the LA child ID and UPN are unique, the UPN's check letter is right
    (a temporary UPN, ending in a letter, is allowed), the ULN's check digit is right."""
    errors = Errors()
    others = Child.objects.exclude(pk=child.pk)
    if not child.la_child_id:
        errors.add("la_child_id", "Enter the child's ID from the social-care system")
    elif others.filter(la_child_id=child.la_child_id).exists():
        errors.add("la_child_id", "Another child already has this LA child ID. Check the ID")
    if child.upn:
        problem = upn_problem(child.upn)
        if problem:
            errors.add("upn", problem)
        elif others.filter(upn=child.upn).exists():
            errors.add("upn", "Another child already has this UPN. Check it with the school")
    if child.uln:
        try:
            validate_uln(child.uln)
        except ValidationError as error:
            errors.add("uln", error.messages[0])
    if child.date_of_birth > timezone.localdate():
        errors.add("date_of_birth", "Date of birth must be today or in the past")
    check_la_code(errors, "home_la_code", child.home_la_code, "Responsible authority")
    if not -2 <= child.year_group_adjustment <= 2:
        errors.add("year_group_adjustment", "A child can be taught up to 2 years out of year group")
    errors.raise_any()
    child.full_clean(validate_unique=False, validate_constraints=False)


def _check_cohort(cohort: str, start: date, plac_route: str, date_of_birth: date) -> None:
    errors = Errors()
    if start < date_of_birth:
        errors.add("cohort_start", "The date they joined the cohort must be after their birth")
    if cohort == Cohort.PREVIOUSLY_LOOKED_AFTER and not plac_route:
        errors.add("plac_route", "Select how the child left care")
    if plac_route and cohort != Cohort.PREVIOUSLY_LOOKED_AFTER:
        errors.add("plac_route", "Only a previously looked-after child has a route out of care")
    errors.raise_any()


def child_create(
    *,
    acting_user,
    la_child_id: str,
    date_of_birth: date,
    cohort: str,
    cohort_start: date,
    plac_route: str = "",
    upn: str = "",
    uln: str = "",
    legal_first_name: str = "",
    legal_last_name: str = "",
    preferred_name: str = "",
    sex: str = "",
    ethnicity: str = "",
    home_la_code: str = "",
    year_group_adjustment: int = 0,
) -> Child:
    """Add a child to the Virtual School's roll, in the cohort they join it through.

    A child in care normally arrives with the social-care extract, whose care episodes then
    decide their child-in-care membership; adding one by hand lets work start before that."""
    child = Child(
        la_child_id=la_child_id.strip(),
        upn=normalise_upn(upn),
        uln=uln.strip(),
        legal_first_name=legal_first_name.strip(),
        legal_last_name=legal_last_name.strip(),
        preferred_name=preferred_name.strip(),
        date_of_birth=date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
        home_la_code=home_la_code.strip(),
        year_group_adjustment=year_group_adjustment,
    )
    _check_child(child)
    _check_cohort(cohort, cohort_start, plac_route, date_of_birth)
    with attributed_write(acting_user, "Child added"):
        child.save()
        CohortMembership.objects.create(
            child=child, cohort=cohort, start_date=cohort_start, plac_route=plac_route
        )
    return child


def child_update(*, acting_user, child: Child, **changes) -> Child:
    """Change a child's identity details. Only what actually changed is written, so the
    history shows real changes, not re-saves."""
    unknown = set(changes) - CHILD_FIELDS
    if unknown:
        raise TypeError(f"child_update() cannot change {', '.join(sorted(unknown))}")
    if "upn" in changes:
        changes["upn"] = normalise_upn(changes["upn"])
    changed = {name: value for name, value in changes.items() if getattr(child, name) != value}
    if not changed:
        return child
    before = {name: getattr(child, name) for name in changed}
    for name, value in changed.items():
        setattr(child, name, value)
    try:
        _check_child(child)
    except ValidationError:
        for name, value in before.items():  # leave the caller's object as it was
            setattr(child, name, value)
        raise
    with attributed_write(acting_user, "Child's details changed"):
        child.save(update_fields=[*changed, "updated_at"])
    return child


# --- Allocations ------------------------------------------------------------------------------

ROLE_IN_A_SENTENCE = {
    AllocationRole.CASEWORKER: "Virtual School caseworker",
    AllocationRole.SOCIAL_WORKER: "social worker",
}
ALLOCATABLE_ROLES = {
    AllocationRole.CASEWORKER: {Role.CASEWORKER, Role.HEAD},
    AllocationRole.SOCIAL_WORKER: {Role.SOCIAL_WORKER},
}


def allocation_change(
    *, acting_user, child: Child, role: str, user, start_date: date
) -> Allocation:
    """Make `user` the child's caseworker or social worker from `start_date`: the current
    one's allocation ends the day before. A change on the day the current one started is a
    correction of who it is."""
    label = ROLE_IN_A_SENTENCE[role]
    if not user.is_active or user.role not in ALLOCATABLE_ROLES[role]:
        raise ValidationError({"user": f"{user} cannot be a child's {label}"})
    allocations = Allocation.objects.filter(child=child, role=role)
    later = allocations.filter(start_date__gt=start_date).order_by("start_date").first()
    if later:
        raise ValidationError(
            {
                "start_date": f"{later.user} is already recorded as {label} from "
                f"{long_date(later.start_date)}. Enter a date after that"
            }
        )
    current = allocations.current(start_date).first()
    if current and current.user_id == user.pk:
        raise ValidationError({"user": f"{user} is already the child's {label}"})
    with attributed_write(acting_user, f"{AllocationRole(role).label} changed"):
        if current and current.start_date == start_date:
            current.user = user
            current.save(update_fields=["user"])
            return current
        if current:
            current.end_date = day_before(start_date)
            current.save(update_fields=["end_date"])
        return Allocation.objects.create(child=child, role=role, user=user, start_date=start_date)
