"""Pupil Premium Plus: grant years, the termly allocation paid when a PEP is approved,
additional requests raised in a PEP and the Head's decisions on them, and the ledger.

The money rules, in one place:
- Every payment is a LedgerEntry in a grant year (a financial year, April to March). What a
  year has committed is the sum of its entries (peps.ppplus_figures.committed).
- No entry may take a year's committed total above the grant received unless the Virtual
  School Head says so explicitly (override=True); the entry then records who authorised it.
  The check runs with the GrantYear row locked (SELECT ... FOR UPDATE), so two approvals at
  the same moment are checked one after the other and cannot both squeeze under the limit.
- The termly allocation is paid once per child per term. A new version of an approved PEP
  (to correct it) is the same term's plan, so approving it again pays nothing more.
- An automatic allocation that would overspend is not paid: approving a PEP is statutory and
  must not fail for want of money, so the approval stands, nothing is recorded in the ledger,
  and the Head is told on their task list, to pay it by hand with an override if they agree.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peps.access import can_edit_section
from peps.models import (
    EefApproach,
    GrantYear,
    LedgerCategory,
    LedgerEntry,
    Notification,
    Pep,
    PepKind,
    PepStatus,
    PepTarget,
    PpRequest,
    PpRequestStatus,
)
from peps.ppplus_figures import committed
from pupils.access import teacher_schools
from pupils.models import Child, DesignatedTeacher, School
from vschool.accounts.models import Role, User
from vschool.history import attributed

VIRTUAL_SCHOOL = (Role.HEAD, Role.CASEWORKER)
TARGETS_SECTION = "targets"  # requests are raised from the PEP's targets (peps.sections)
MAX_AMOUNT = Decimal("999999.99")  # what PpRequest.amount and GrantYear's rates can hold
LOWEST_START_YEAR, HIGHEST_START_YEAR = 2000, 2100


# --- Small shared helpers ---------------------------------------------------------------------


def pounds(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def grant_year_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def grant_year_start(day: date) -> int:
    """The financial year a day falls in, named by the year it starts (April)."""
    return day.year if day.month >= 4 else day.year - 1


def grant_year_for(day: date) -> GrantYear | None:
    """The grant year covering that date, or None if it has not been set up."""
    return GrantYear.objects.filter(start_year=grant_year_start(day)).first()


def _is_head(user) -> bool:
    return bool(user and user.is_active and user.role == Role.HEAD)


def _is_virtual_school(user) -> bool:
    return bool(user and user.is_active and user.role in VIRTUAL_SCHOOL)


def _heads():
    return User.objects.filter(role=Role.HEAD, is_active=True)


def _check_amount(amount: Decimal | None, field: str, what: str = "the amount") -> None:
    if amount is None:
        raise ValidationError({field: f"Enter {what}, for example 600"})
    if amount <= 0:
        raise ValidationError({field: f"{what.capitalize()} must be more than £0"})
    if amount > MAX_AMOUNT:
        raise ValidationError({field: f"{what.capitalize()} must be {pounds(MAX_AMOUNT)} or less"})


# --- Grant years ------------------------------------------------------------------------------


def grant_year_create(
    *,
    acting_user,
    start_year: int,
    grant_received: Decimal,
    rate_per_child: Decimal,
    termly_allocation: Decimal,
) -> GrantYear:
    """Record a financial year's grant and the authority's allocation policy for it."""
    if not _is_virtual_school(acting_user):
        raise ValidationError("Only Virtual School staff can add a grant year")
    if not LOWEST_START_YEAR <= start_year <= HIGHEST_START_YEAR:
        raise ValidationError(
            {"start_year": "Enter the year the grant year starts in, for example 2025"}
        )
    if GrantYear.objects.filter(start_year=start_year).exists():
        raise ValidationError(
            {"start_year": f"The {grant_year_label(start_year)} grant year is already recorded"}
        )
    if grant_received < 0:
        raise ValidationError({"grant_received": "The grant received cannot be less than £0"})
    _check_amount(rate_per_child, "rate_per_child", "the rate per child")
    if termly_allocation < 0:
        raise ValidationError({"termly_allocation": "The termly allocation cannot be less than £0"})
    with transaction.atomic(), attributed(acting_user=acting_user, source="PP+ grant year added"):
        return GrantYear.objects.create(
            start_year=start_year,
            grant_received=grant_received,
            rate_per_child=rate_per_child,
            termly_allocation=termly_allocation,
        )


# --- The overspend rule -----------------------------------------------------------------------


def _locked(grant_year: GrantYear) -> GrantYear:
    """The year, re-read under a row lock held until the transaction ends: every payment
    from it waits its turn, so each sees the ones before it."""
    return GrantYear.objects.select_for_update().get(pk=grant_year.pk)


def _would_overspend(grant_year: GrantYear, amount: Decimal) -> bool:
    return committed(grant_year).value + amount > grant_year.grant_received


def _overspend_authoriser(
    *, acting_user, grant_year: GrantYear, amount: Decimal, override: bool, field: str
) -> User | None:
    """Who authorised taking the (locked) year over its grant: None when the entry fits;
    the Head when they said so; otherwise the entry is refused."""
    if not _would_overspend(grant_year, amount):
        return None
    if override and _is_head(acting_user):
        return acting_user
    left = grant_year.grant_received - committed(grant_year).value
    message = (
        f"{pounds(amount)} is more than the {pounds(max(left, Decimal(0)))} left of the "
        f"{grant_year} grant. "
    )
    if _is_head(acting_user):
        message += "To go over the grant, tick “Authorise an overspend”"
    else:
        message += "Only the Virtual School Head can authorise an overspend"
    raise ValidationError({field: message})


def _check_override_allowed(acting_user, override: bool) -> None:
    if override and not _is_head(acting_user):
        raise ValidationError(
            {"override": "Only the Virtual School Head can authorise an overspend"}
        )


# --- The termly allocation --------------------------------------------------------------------


def _approval_day(pep: Pep) -> date:
    return timezone.localdate(pep.approved_at) if pep.approved_at else timezone.localdate()


def _term_allocation(pep: Pep) -> LedgerEntry | None:
    """The allocation already paid for this child's termly PEP this term, by any version."""
    return LedgerEntry.objects.filter(
        category=LedgerCategory.SCHOOL_ALLOCATION,
        request__isnull=True,
        pep__child_id=pep.child_id,
        pep__kind=PepKind.TERMLY,
        pep__academic_year=pep.academic_year,
        pep__term=pep.term,
    ).first()


def _term_label(pep: Pep) -> str:
    return f"{pep.term} term {pep.academic_year}/{(pep.academic_year + 1) % 100:02d}"


def _not_paid(pep: Pep, why: str) -> None:
    """Tell the Head an allocation was not paid, and why, on their task list."""
    message = f"The termly PP+ allocation for {pep.child}'s {_term_label(pep)} PEP was not paid: "
    Notification.objects.bulk_create(
        Notification(user=head, pep=pep, message=message + why) for head in _heads()
    )


def ppplus_allocate_for_approved_pep(*, pep: Pep, acting_user) -> LedgerEntry | None:
    """Pay the grant year's termly allocation to the school of a termly PEP just approved.

    Call it in the approval's transaction, after the PEP is marked approved. Returns the
    allocation for that child and term (the one already paid, if a version of this term's PEP
    was approved before), or None when nothing is paid: not a termly PEP, no school, a zero
    allocation, no grant year for the approval date, or not enough grant left (the Head is
    told of the last two; see the module's docstring).
    """
    if pep.status != PepStatus.APPROVED:
        raise ValueError("The termly allocation is paid only for an approved PEP")
    if pep.kind != PepKind.TERMLY or pep.school_id is None:
        return None
    day = _approval_day(pep)
    with transaction.atomic(), attributed(acting_user=acting_user, source="PP+ termly allocation"):
        year = grant_year_for(day)
        year = _locked(year) if year else None
        already = _term_allocation(pep)
        if already is not None:
            return already
        if year is None:
            return _not_paid(
                pep,
                f"there is no {grant_year_label(grant_year_start(day))} grant year. Add the "
                "grant year, then record the allocation in the ledger.",
            )
        if year.termly_allocation <= 0:
            return None
        if _would_overspend(year, year.termly_allocation):
            return _not_paid(
                pep,
                f"{pounds(year.termly_allocation)} would take the {year} grant over what was "
                "received. If you agree, add it to the ledger and authorise the overspend.",
            )
        return LedgerEntry.objects.create(
            grant_year=year,
            category=LedgerCategory.SCHOOL_ALLOCATION,
            amount=year.termly_allocation,
            description=f"Termly allocation, {_term_label(pep)} PEP",
            child_id=pep.child_id,
            school_id=pep.school_id,
            pep=pep,
            created_by=acting_user,
        )


# --- Additional requests ----------------------------------------------------------------------


def may_raise_request(user, pep: Pep) -> bool:
    """Whether a user may ask for additional PP+ in this PEP now: while they may edit its
    targets (peps.access), and, for a designated teacher, only in a PEP of a school they are
    designated teacher at, since that school is the one paid."""
    if not (user and user.is_active) or user.role not in (*VIRTUAL_SCHOOL, Role.DESIGNATED_TEACHER):
        return False
    if not can_edit_section(user, pep, TARGETS_SECTION):
        return False
    if user.role == Role.DESIGNATED_TEACHER:
        return pep.school_id is not None and teacher_schools(user).filter(pk=pep.school_id).exists()
    return True


def why_not_editable(user, pep: Pep) -> str:
    """Why may_raise_request said no, in words the user can act on."""
    if pep.is_locked:
        return "This PEP is approved, so it cannot be changed. Start a new version to add a request"
    if user.role == Role.DESIGNATED_TEACHER:
        if pep.status == PepStatus.SUBMITTED:
            return "This PEP has been submitted. You can add a request if it is returned to you"
        return "Only the designated teacher of the child's school in this PEP can add a request"
    if user.role in VIRTUAL_SCHOOL:
        return "The Virtual School can add a request only while reviewing a submitted PEP"
    return "You cannot add a request to this PEP"


def pp_request_raise(
    *,
    acting_user,
    pep: Pep,
    target: PepTarget,
    amount: Decimal,
    purpose: str,
    eef_approach: str,
) -> PpRequest:
    """Ask for PP+ above the termly allocation, for one of the PEP's targets."""
    if not may_raise_request(acting_user, pep):
        raise ValidationError(why_not_editable(acting_user, pep))
    if target is None or target.pep_id != pep.pk:
        raise ValidationError({"target": "Choose the target in this PEP the money is for"})
    _check_amount(amount, "amount")
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationError({"purpose": "Enter what the money will pay for"})
    if eef_approach not in EefApproach.values:
        raise ValidationError({"eef_approach": "Choose the EEF approach the spending uses"})
    with transaction.atomic(), attributed(acting_user=acting_user, source="PP+ request raised"):
        return PpRequest.objects.create(
            pep=pep, target=target, amount=amount, purpose=purpose, eef_approach=eef_approach
        )


def _check_decision(
    request: PpRequest, decision: str, amount_approved: Decimal | None, reason: str
) -> Decimal | None:
    """The amount a decision pays (None for a decline), after checking it makes sense."""
    if decision not in PpRequestStatus.values or decision == PpRequestStatus.PENDING:
        raise ValidationError({"decision": "Choose whether to approve, part approve or decline"})
    if decision != PpRequestStatus.APPROVED and not reason:
        raise ValidationError({"reason": "Enter the reason for your decision"})
    if decision == PpRequestStatus.DECLINED:
        return None
    if decision == PpRequestStatus.APPROVED:
        if amount_approved is not None and amount_approved != request.amount:
            raise ValidationError(
                {"amount_approved": "To approve a different amount, choose part approve"}
            )
        return request.amount
    _check_amount(amount_approved, "amount_approved", "the amount approved")
    if amount_approved >= request.amount:
        raise ValidationError(
            {
                "amount_approved": "The amount approved must be less than the "
                f"{pounds(request.amount)} asked for. To pay it all, choose approve"
            }
        )
    return amount_approved


def _tell_teachers(request: PpRequest, message: str) -> None:
    if request.pep.school_id is None:
        return
    posts = DesignatedTeacher.objects.current(timezone.localdate()).filter(
        school_id=request.pep.school_id, user__is_active=True
    )
    Notification.objects.bulk_create(
        Notification(user_id=user_id, pep=request.pep, message=message)
        for user_id in set(posts.values_list("user_id", flat=True))
    )


def _decision_message(request: PpRequest) -> str:
    asked = f"Your request for {pounds(request.amount)} of PP+ for {request.pep.child}"
    if request.status == PpRequestStatus.APPROVED:
        return f"{asked} was approved."
    if request.status == PpRequestStatus.PART_APPROVED:
        return (
            f"{asked} was part approved: {pounds(request.amount_approved)}. "
            f"Reason: {request.decision_reason}"
        )
    return f"{asked} was declined. Reason: {request.decision_reason}"


def pp_request_decide(
    *,
    acting_user,
    request: PpRequest,
    decision: str,
    amount_approved: Decimal | None = None,
    reason: str = "",
    override: bool = False,
) -> PpRequest:
    """The Virtual School Head's decision on a request. An approval or part approval pays the
    school from the grant year of the decision, under the overspend rule."""
    if not _is_head(acting_user):
        raise ValidationError("Only the Virtual School Head can decide requests for PP+")
    _check_override_allowed(acting_user, override)
    reason = (reason or "").strip()
    today = timezone.localdate()
    with transaction.atomic(), attributed(acting_user=acting_user, source="PP+ request decided"):
        request = PpRequest.objects.select_for_update().select_related("pep").get(pk=request.pk)
        if request.status != PpRequestStatus.PENDING:
            raise ValidationError(
                f"This request has already been decided ({request.get_status_display().lower()})"
            )
        paid = _check_decision(request, decision, amount_approved, reason)
        if paid is not None:
            _pay_request(acting_user, request, paid, override, today)
        request.status = decision
        request.amount_approved = paid
        request.decision_reason = reason
        request.decided_by = acting_user
        request.decided_at = timezone.now()
        request.save()
        _tell_teachers(request, _decision_message(request))
        return request


def _pay_request(acting_user, request: PpRequest, amount: Decimal, override: bool, day: date):
    year = grant_year_for(day)
    if year is None:
        raise ValidationError(
            f"There is no {grant_year_label(grant_year_start(day))} grant year yet. "
            "Add it before approving requests"
        )
    year = _locked(year)
    authoriser = _overspend_authoriser(
        acting_user=acting_user, grant_year=year, amount=amount, override=override, field="override"
    )
    LedgerEntry.objects.create(
        grant_year=year,
        category=LedgerCategory.SCHOOL_ALLOCATION,
        amount=amount,
        description=f"Additional PP+ request: {request.purpose}"[:200],
        child_id=request.pep.child_id,
        school_id=request.pep.school_id,
        pep=request.pep,
        request=request,
        overspend_authorised_by=authoriser,
        created_by=acting_user,
    )


# --- Other ledger entries ---------------------------------------------------------------------

NOT_FOR_ONE_CHILD = (LedgerCategory.TRAINING, LedgerCategory.CENTRALLY_RETAINED)


def _check_entry(category: str, description: str, child: Child | None, school: School | None):
    if category not in LedgerCategory.values:
        raise ValidationError({"category": "Choose what the money is for"})
    if not description:
        raise ValidationError({"description": "Enter a description of the spending"})
    if len(description) > 200:
        raise ValidationError({"description": "The description must be 200 characters or fewer"})
    if category == LedgerCategory.SCHOOL_ALLOCATION and school is None:
        raise ValidationError({"school": "Enter the URN of the school the money is allocated to"})
    if category in NOT_FOR_ONE_CHILD and child is not None:
        raise ValidationError(
            {
                "child": "Training and centrally retained funds are not for one child. "
                "Leave the child blank, or choose direct support to children"
            }
        )


def ledger_entry_add(
    *,
    acting_user,
    grant_year: GrantYear,
    category: str,
    amount: Decimal,
    description: str,
    child: Child | None = None,
    school: School | None = None,
    override: bool = False,
) -> LedgerEntry:
    """Record spending decided outside a PEP: direct support to children, training, funds the
    Virtual School keeps centrally (or a school allocation paid by hand)."""
    if not _is_virtual_school(acting_user):
        raise ValidationError("Only Virtual School staff can add to the PP+ ledger")
    description = (description or "").strip()
    _check_entry(category, description, child, school)
    _check_amount(amount, "amount")
    _check_override_allowed(acting_user, override)
    with transaction.atomic(), attributed(acting_user=acting_user, source="PP+ ledger entry"):
        year = _locked(grant_year)
        authoriser = _overspend_authoriser(
            acting_user=acting_user,
            grant_year=year,
            amount=amount,
            override=override,
            field="amount",
        )
        return LedgerEntry.objects.create(
            grant_year=year,
            category=category,
            amount=amount,
            description=description,
            child=child,
            school=school,
            overspend_authorised_by=authoriser,
            created_by=acting_user,
        )
