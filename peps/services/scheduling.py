"""Scheduling PEPs: the daily run that makes sure every child in care has this term's PEP and,
when new into care, an initial PEP, and tells people about PEPs that have become overdue; and
the Virtual School's termly deadlines.

Rules (decided here, where the issue left them open):
- Who is in care: a current "cla" cohort membership today. Memberships are derived from the
  SSDA903 episodes (pupils.care.cohort_memberships_sync_from_care), one per period of care, so
  the membership's start is the day the period of care began.
- Age range: aged 2 or over today (funded early education for children in care starts at two)
  up to the end of Year 13 (Child.year_group, which allows for a child taught out of year).
- Variant: early years below Reception; post-16 in Years 12 and 13 with a current school or
  college enrolment, NEET without one; school age otherwise.
- Termly PEP: one per child per term, due on the Virtual School's deadline for the term
  (TermDeadline), or by default three school weeks (15 working days) before the last school day
  of the term. `previous` is the child's latest approved PEP.
- Initial PEP: for a child whose period of care began in the last 60 days and who has no initial
  PEP for it; due 20 working days after care began (bank holidays skipped). It counts as the PEP
  of the term it is due in, so a child whose initial PEP is due this term or later gets no
  termly PEP this term (they would otherwise get two plans within weeks, one already overdue).
- Overdue is derived (peps.selectors.overdue). When a PEP is overdue, its school's designated
  teachers and the child's caseworker each get one notification, once.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery

from peps.models import (
    Notification,
    Pep,
    PepKind,
    PepStatus,
    PepTransition,
    PepVariant,
    TermDeadline,
)
from peps.selectors import COMPLETED_STATUSES, overdue
from peps.working_days import add_working_days, last_working_day_on_or_before
from pupils.models import (
    Allocation,
    AllocationRole,
    Cohort,
    CohortMembership,
    DesignatedTeacher,
    Enrolment,
    EnrolmentKind,
)
from vschool import dates
from vschool.dates import Term, TermName
from vschool.history import attributed

SOURCE = "PEP scheduler"
INITIAL_PEP_WORKING_DAYS = 20
NEW_INTO_CARE_DAYS = 60
YOUNGEST_AGE = getattr(settings, "PEP_YOUNGEST_AGE", 2)
OLDEST_YEAR_GROUP = 13
# The default deadline: this many working days before the last school day of the term.
DEFAULT_DEADLINE_WORKING_DAYS = getattr(settings, "PEP_DEFAULT_DEADLINE_WORKING_DAYS", 15)
# The latest day schools in England are usually open at the end of the autumn and summer terms
# (the census terms run to 31 December and 31 August, deep in the holidays). The spring term
# ends at Easter, so its last school day is the working day before Good Friday.
LAST_SCHOOL_DAY = {TermName.AUTUMN: (12, 19), TermName.SUMMER: (7, 20)}
OVERDUE_PREFIX = "Overdue:"
# Only PEPs that fell due in the last fortnight are notified: enough to catch up days the
# schedule missed, without telling everyone at go-live about plans overdue for months.
OVERDUE_NOTICE_DAYS = getattr(settings, "PEP_OVERDUE_NOTICE_DAYS", 14)
BATCH = 2000
# Serialises runs (the beat task and a manual `schedule_peps`), so two never create twice.
LOCK_KEY = 4_041_001


@dataclass
class ScheduleResult:
    termly_created: int = 0
    initial_created: int = 0
    previous_updated: int = 0
    overdue_notifications: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class InCare:
    child_id: int
    care_start: date
    year_group: int
    school_id: int | None
    enrolled: bool

    @property
    def variant(self) -> str:
        return pep_variant(self.year_group, enrolled=self.enrolled)


# --- Rules -------------------------------------------------------------------------------------


def pep_variant(year_group: int, *, enrolled: bool) -> str:
    if year_group < dates.RECEPTION:
        return PepVariant.EARLY_YEARS
    if year_group >= 12:
        return PepVariant.POST_16 if enrolled else PepVariant.NEET
    return PepVariant.SCHOOL_AGE


def default_term_deadline(term: Term) -> date:
    if term.name == TermName.SPRING:
        last_school_day = last_working_day_on_or_before(term.end - timedelta(days=1))
    else:
        month, day = LAST_SCHOOL_DAY[term.name]
        year = term.academic_year + (term.name == TermName.SUMMER)
        last_school_day = last_working_day_on_or_before(date(year, month, day))
    return add_working_days(last_school_day, -DEFAULT_DEADLINE_WORKING_DAYS)


def term_due_date(term: Term) -> date:
    """The Virtual School's deadline for the term, or the default."""
    deadline = TermDeadline.objects.filter(
        academic_year=term.academic_year, term=term.name.value
    ).first()
    return deadline.due_date if deadline else default_term_deadline(term)


def initial_due_date(care_start: date) -> date:
    return add_working_days(care_start, INITIAL_PEP_WORKING_DAYS)


# --- The daily run -----------------------------------------------------------------------------


def pep_schedule_run(*, today: date) -> ScheduleResult:
    """Create the PEPs due and notify people of overdue ones. Safe to re-run: a second run the
    same day creates nothing. A fixed number of queries plus batched inserts, however many
    children there are."""
    term = dates.term_of(today)
    result = ScheduleResult()
    with transaction.atomic(), attributed(acting_user=None, source=SOURCE):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        children = _children_in_care(today)
        latest_approved = _latest_approved()
        initials = _initial_peps(today, children, latest_approved)
        termlies = _termly_peps(term, children, latest_approved, initials)
        _create(initials + termlies)
        result.initial_created, result.termly_created = len(initials), len(termlies)
        result.previous_updated = _refresh_previous(term)
        result.overdue_notifications = _notify_overdue(today)
    return result


def _children_in_care(today: date) -> list[InCare]:
    memberships = CohortMembership.objects.current(today).filter(cohort=Cohort.CHILD_IN_CARE)
    enrolments = Enrolment.objects.current(today).filter(child__in=memberships.values("child_id"))
    schools, enrolled = {}, set()
    for child_id, school_id, kind in enrolments.values_list("child_id", "school_id", "kind"):
        enrolled.add(child_id)
        if kind == EnrolmentKind.MAIN:
            schools[child_id] = school_id
    rows = memberships.values_list(
        "child_id", "start_date", "child__date_of_birth", "child__year_group_adjustment"
    )
    children = []
    for child_id, start, born, adjustment in rows:
        year_group = dates.national_curriculum_year(born, today) + adjustment
        if dates.age_on(born, today) >= YOUNGEST_AGE and year_group <= OLDEST_YEAR_GROUP:
            children.append(
                InCare(child_id, start, year_group, schools.get(child_id), child_id in enrolled)
            )
    return children


def _approved():
    """Approved PEPs, latest first: a child's first is the one their next PEP reviews."""
    return Pep.objects.filter(status=PepStatus.APPROVED).order_by("-due_date", "-version", "-pk")


def _latest_approved() -> dict[int, int]:
    rows = (
        _approved()
        .order_by("child_id", "-due_date", "-version", "-pk")
        .distinct("child_id")
        .values_list("child_id", "pk")
    )
    return dict(rows)


def _initial_peps(
    today: date, children: list[InCare], latest_approved: dict[int, int]
) -> list[Pep]:
    """Initial PEPs for children whose care began in the last 60 days and who have none for
    this period of care (an initial PEP due after the period began)."""
    since = today - timedelta(days=NEW_INTO_CARE_DAYS)
    new = [child for child in children if child.care_start >= since]
    existing = defaultdict(list)
    rows = Pep.objects.filter(
        kind=PepKind.INITIAL, child_id__in=[child.child_id for child in new]
    ).values_list("child_id", "due_date", "academic_year", "term")
    for child_id, due, year, term_name in rows:
        existing[child_id].append((due, year, term_name))
    peps = []
    for child in new:
        due = initial_due_date(child.care_start)
        due_term = dates.term_of(due)
        taken = {(year, term_name) for _, year, term_name in existing[child.child_id]}
        has_one = any(d > child.care_start for d, _, _ in existing[child.child_id])
        if has_one or (due_term.academic_year, due_term.name.value) in taken:
            continue
        peps.append(_pep(child, PepKind.INITIAL, due_term, due, latest_approved))
    return peps


def _termly_peps(
    term: Term,
    children: list[InCare],
    latest_approved: dict[int, int],
    new_initials: list[Pep],
) -> list[Pep]:
    due = term_due_date(term)
    this_term = Pep.objects.filter(
        kind=PepKind.TERMLY, academic_year=term.academic_year, term=term.name.value
    )
    has_termly = set(this_term.values_list("child_id", flat=True))
    # An initial PEP due this term or later stands for this term's PEP.
    initial_covers = set(
        Pep.objects.filter(kind=PepKind.INITIAL, due_date__gte=term.start).values_list(
            "child_id", flat=True
        )
    ) | {pep.child_id for pep in new_initials if pep.due_date >= term.start}
    return [
        _pep(child, PepKind.TERMLY, term, due, latest_approved)
        for child in children
        if child.child_id not in has_termly and child.child_id not in initial_covers
    ]


def _pep(child: InCare, kind: str, term: Term, due: date, latest_approved: dict) -> Pep:
    return Pep(
        child_id=child.child_id,
        school_id=child.school_id,
        kind=kind,
        variant=child.variant,
        academic_year=term.academic_year,
        term=term.name.value,
        due_date=due,
        previous_id=latest_approved.get(child.child_id),
    )


def _create(peps: list[Pep]) -> None:
    """The PEPs, and the first step of each one's workflow (by the scheduler)."""
    created = Pep.objects.bulk_create(peps, batch_size=BATCH)
    PepTransition.objects.bulk_create(
        (
            PepTransition(pep_id=pep.pk, from_status="", to_status=PepStatus.NOT_STARTED)
            for pep in created
        ),
        batch_size=BATCH,
    )


def _refresh_previous(term: Term) -> int:
    """A PEP not yet started reviews the latest approved PEP, even one approved after the new
    PEP was created (last term's plan approved late). One UPDATE, however many PEPs."""
    latest = Subquery(_approved().filter(child_id=OuterRef("child_id")).values("pk")[:1])
    stale = (
        Pep.objects.filter(
            academic_year=term.academic_year,
            term=term.name.value,
            status=PepStatus.NOT_STARTED,
            version=1,  # a later version reviews what its first version reviewed
        )
        .annotate(latest=latest)
        .filter(latest__isnull=False)
        .exclude(previous_id=F("latest"))
    )
    return Pep.objects.filter(pk__in=stale.values("pk")).update(previous_id=latest)


# --- Overdue notifications ---------------------------------------------------------------------


@lru_cache
def _term_label(academic_year: int, name: str) -> str:
    return str(dates.terms_of_year(academic_year)[list(TermName).index(TermName(name))])


def overdue_message(pep: Pep) -> str:
    what = (
        "initial PEP"
        if pep.kind == PepKind.INITIAL
        else f"{_term_label(pep.academic_year, pep.term)} PEP"
    )
    return (
        f"{OVERDUE_PREFIX} the {what} for {pep.child.display_name} was due on "
        f"{dates.long_date(pep.due_date)} and has not been submitted."
    )


def _notify_overdue(today: date) -> int:
    """One notification per newly overdue PEP for each of its school's designated teachers and
    the child's caseworker, unless that person already has one for that PEP."""
    newly_overdue = overdue(today).filter(due_date__gte=today - timedelta(days=OVERDUE_NOTICE_DAYS))
    peps = list(
        newly_overdue.select_related("child").only(
            "pk",
            "child_id",
            "school_id",
            "kind",
            "academic_year",
            "term",
            "due_date",
            "child__preferred_name",
            "child__legal_first_name",
            "child__legal_last_name",
            "child__la_child_id",
        )
    )
    if not peps:
        return 0
    overdue_ids = newly_overdue.values("pk")
    already = set(
        Notification.objects.filter(
            pep__in=overdue_ids, message__startswith=OVERDUE_PREFIX
        ).values_list("pep_id", "user_id")
    )
    teachers = defaultdict(set)
    posts = DesignatedTeacher.objects.current(today).filter(
        school__in=newly_overdue.values("school_id"), user__is_active=True
    )
    for school_id, user_id in posts.values_list("school_id", "user_id"):
        teachers[school_id].add(user_id)
    caseworkers = defaultdict(set)
    allocations = Allocation.objects.current(today).filter(
        role=AllocationRole.CASEWORKER,
        child__in=newly_overdue.values("child_id"),
        user__is_active=True,
    )
    for child_id, user_id in allocations.values_list("child_id", "user_id"):
        caseworkers[child_id].add(user_id)
    notifications = [
        Notification(user_id=user_id, pep_id=pep.pk, message=overdue_message(pep))
        for pep in peps
        for user_id in sorted(teachers[pep.school_id] | caseworkers[pep.child_id])
        if (pep.pk, user_id) not in already
    ]
    Notification.objects.bulk_create(notifications, batch_size=BATCH)
    return len(notifications)


# --- Term deadlines ------------------------------------------------------------------------------


def term_deadline_set(*, acting_user, term: Term, due_date: date) -> TermDeadline:
    """Set the date by which the term's PEPs must be completed. The term's termly PEPs not yet
    completed take the new date, so those already scheduled follow it."""
    if not term.contains(due_date):
        raise ValidationError(
            {
                "due_date": (
                    f"The deadline must be in the {term.name.value} term, between "
                    f"{dates.long_date(term.start)} and {dates.long_date(term.end)}"
                )
            }
        )
    with transaction.atomic(), attributed(acting_user=acting_user, source="PEP deadline set"):
        deadline, _ = TermDeadline.objects.update_or_create(
            academic_year=term.academic_year,
            term=term.name.value,
            defaults={"due_date": due_date},
        )
        Pep.objects.filter(
            kind=PepKind.TERMLY, academic_year=term.academic_year, term=term.name.value
        ).exclude(status__in=COMPLETED_STATUSES).update(due_date=due_date)
    return deadline
