"""Reads for the attendance pages: a child's Attendance tab and the Virtual School's overview.

Figures come from outcomes.figures and outcomes.suspension_figures; this module only fetches
marks, arranges them for display and splits a cohort into groups. Every read is a fixed
number of queries, however many children there are.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery

from outcomes import suspension_figures
from outcomes.codes import attendance_codes, exclusion_reasons
from outcomes.figures import AttendanceFigures, CohortAttendance, attendance_of_child
from outcomes.models import AttendanceDay, Suspension
from pupils.models import Child, Cohort, CohortMembership, Enrolment, EnrolmentKind, School
from pupils.selectors import year_group_expression
from vschool import dates
from vschool.dates import Term

# --- Terms -----------------------------------------------------------------------------------


def terms_offered(today: date) -> list[Term]:
    """The terms of this academic year and the last that have begun, newest first."""
    year = dates.academic_year_of(today)
    terms = [*dates.terms_of_year(year - 1), *dates.terms_of_year(year)]
    return [term for term in reversed(terms) if term.start <= today]


def chosen_term(slug: str | None, today: date) -> Term:
    """The term a page's ?term= names, if it is one offered; otherwise this term."""
    for term in terms_offered(today):
        if term.slug == slug:
            return term
    return dates.term_of(today)


def days_so_far(term: Term, today: date) -> date:
    """The last day of the term that has marks to count: today while the term runs."""
    return min(term.end, today)


# --- A child's marks -------------------------------------------------------------------------

NO_MARK = "none"
CATEGORY_LABELS = {
    "present": "Present",
    "aea": "Approved educational activity",
    "authorised": "Authorised absence",
    "unauthorised": "Unauthorised absence",
    "not_counted": "Not counted",
    NO_MARK: "No mark yet",
}


@dataclass(frozen=True)
class Mark:
    code: str
    meaning: str
    category: str  # a key of CATEGORY_LABELS

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS[self.category]


def mark_of(code: str) -> Mark:
    if not code:
        return Mark("", "No mark yet", NO_MARK)
    known = attendance_codes().get(code)
    if known is None:  # the import refuses unknown codes; this is only a safety net
        return Mark(code, "Not a DfE attendance code", NO_MARK)
    return Mark(code, known.meaning, known.category.value)


@dataclass(frozen=True)
class MarkedDay:
    date: date
    am: Mark
    pm: Mark
    reason: str = ""
    comments: str = ""

    @property
    def sessions(self) -> tuple[Mark, Mark]:
        return self.am, self.pm


def _marked(day: date, row: AttendanceDay | None) -> MarkedDay:
    if row is None:
        return MarkedDay(day, mark_of(""), mark_of(""))
    return MarkedDay(day, mark_of(row.am), mark_of(row.pm), row.reason, row.comments)


def child_days(child_id: int, start: date, end: date) -> dict[date, AttendanceDay]:
    rows = AttendanceDay.objects.filter(child_id=child_id, date__range=(start, end))
    return {row.date: row for row in rows}


def term_calendar(term: Term, days: dict[date, AttendanceDay]) -> list[list[MarkedDay | None]]:
    """The term's weeks, Monday to Friday; None for a weekday outside the term."""
    monday = term.start - timedelta(days=term.start.weekday())
    weeks = []
    while monday <= term.end:
        week = [monday + timedelta(days=offset) for offset in range(5)]
        weeks.append([_marked(d, days.get(d)) if term.contains(d) else None for d in week])
        monday += timedelta(weeks=1)
    return weeks


def marks_table(term: Term, days: dict[date, AttendanceDay], today: date) -> list[MarkedDay]:
    """Each weekday of the term up to today, marked or not, for the table beside the
    calendar (a holiday has no marks, as a day not yet collected has none)."""
    return [_marked(d, days.get(d)) for d in dates.weekdays(term.start, days_so_far(term, today))]


@dataclass(frozen=True)
class CodeCount:
    """How many sessions had this code, in each term and in the year."""

    code: str
    meaning: str
    category_label: str
    per_term: list[int]
    total: int


@dataclass(frozen=True)
class TermFigures:
    term: Term
    figures: AttendanceFigures

    @property
    def has_marks(self) -> bool:
        return bool(self.figures.possible or self.figures.not_counted)


@dataclass(frozen=True)
class YearBreakdown:
    terms: list[TermFigures]
    year: AttendanceFigures
    codes: list[CodeCount]  # every code used in the year, in the DfE's order


def _code_counts(rows: Iterable[AttendanceDay]) -> Counter:
    counts = Counter()
    for row in rows:
        counts.update(code for code in (row.am, row.pm) if code)
    return counts


def year_breakdown(child_id: int, academic_year: int, today: date) -> YearBreakdown:
    """The figures for each term of the year that has begun, and for the whole year so far."""
    terms = [term for term in dates.terms_of_year(academic_year) if term.start <= today]
    start, end = dates.academic_year_start(academic_year), dates.academic_year_end(academic_year)
    rows = list(AttendanceDay.objects.filter(child_id=child_id, date__range=(start, end)))
    per_term = [_code_counts(row for row in rows if term.contains(row.date)) for term in terms]
    used = _code_counts(rows)
    codes = [
        CodeCount(
            code=code,
            meaning=known.meaning,
            category_label=CATEGORY_LABELS[known.category.value],
            per_term=[counts[code] for counts in per_term],
            total=used[code],
        )
        for code, known in attendance_codes().items()
        if used[code]
    ]
    return YearBreakdown(
        terms=[
            TermFigures(term, attendance_of_child(child_id, term.start, term.end)) for term in terms
        ],
        year=attendance_of_child(child_id, start, end),
        codes=codes,
    )


# --- A child's suspensions -------------------------------------------------------------------


@dataclass(frozen=True)
class SuspensionRow:
    suspension: Suspension
    reasons: list[tuple[str, str]]  # (code, meaning)

    @property
    def alternative_provision(self) -> str:
        answer = self.suspension.alternative_provision_from_day_six
        return {True: "Yes", False: "No", None: "Not known"}[answer]


def child_suspensions(child_id: int) -> list[SuspensionRow]:
    known = exclusion_reasons()
    rows = Suspension.objects.filter(child_id=child_id).select_related("school")
    return [
        SuspensionRow(
            suspension=row,
            reasons=[
                (code, known[code].meaning if code in known else "Not a DfE reason")
                for code in row.reasons
            ],
        )
        for row in rows.order_by("-start_date", "-pk")
    ]


def suspension_schools(child: Child, today: date) -> tuple[QuerySet[School], School | None]:
    """The schools a suspension can be recorded against (those the child has been on the roll
    of), and their main school today, which the form starts at."""
    schools = School.objects.filter(enrolments__child=child).distinct().order_by("name")
    main = (
        child.enrolments.current(today)
        .filter(kind=EnrolmentKind.MAIN)
        .select_related("school")
        .order_by("-start_date")
        .first()
    )
    return schools, main.school if main else None


def suspension_days_in_year(child_id: int, academic_year: int) -> Decimal:
    """School days lost to suspensions beginning in the academic year (the 45-day limit)."""
    start, end = dates.academic_year_start(academic_year), dates.academic_year_end(academic_year)
    return suspension_figures.days_lost([child_id], start, end).value


# --- The Virtual School's cohort -------------------------------------------------------------

COMPULSORY_YEARS = (dates.RECEPTION, 11)


@dataclass(frozen=True)
class CohortChild:
    pk: int
    la_child_id: str
    upn: str
    name: str
    year_group: int
    school_id: int | None
    school_name: str
    school_urn: str
    school_la_code: str

    @property
    def phase(self) -> str:
        return dates.key_stage(self.year_group)

    @property
    def in_home_authority(self) -> bool | None:
        return self.school_la_code == settings.LA_CODE if self.school_id else None


def children_in_care_of_school_age(children: QuerySet, term: Term, today: date) -> QuerySet:
    """The children in care at any time in the term (up to today), in Reception to Year 11
    that academic year."""
    in_care = CohortMembership.objects.overlapping(term.start, days_so_far(term, today)).filter(
        cohort=Cohort.CHILD_IN_CARE
    )
    return (
        children.filter(pk__in=in_care.values("child"))
        .annotate(year_group=year_group_expression(term.start))
        .filter(year_group__range=COMPULSORY_YEARS)
    )


def cohort_children(children: QuerySet, term: Term, today: date) -> list[CohortChild]:
    """The cohort, each child with their main school on the term's last day so far, in one
    query."""
    on = days_so_far(term, today)
    main = (
        Enrolment.objects.current(on)
        .filter(kind=EnrolmentKind.MAIN, child=OuterRef("pk"))
        .order_by("-start_date")
    )

    def school(column: str) -> Subquery:
        return Subquery(main.values(column)[:1])

    rows = (
        children_in_care_of_school_age(children, term, today)
        .annotate(
            main_school_id=school("school_id"),
            main_school_name=school("school__name"),
            main_school_urn=school("school__urn"),
            main_school_la_code=school("school__la_code"),
        )
        .order_by("legal_last_name", "legal_first_name", "la_child_id")
        .values(
            "pk",
            "la_child_id",
            "upn",
            "legal_first_name",
            "preferred_name",
            "legal_last_name",
            "year_group",
            "main_school_id",
            "main_school_name",
            "main_school_urn",
            "main_school_la_code",
        )
    )
    return [_cohort_child(row) for row in rows]


def _cohort_child(row: dict) -> CohortChild:
    first = row["preferred_name"] or row["legal_first_name"]
    return CohortChild(
        pk=row["pk"],
        la_child_id=row["la_child_id"],
        upn=row["upn"],
        name=f"{first} {row['legal_last_name']}".strip() or f"Child {row['la_child_id']}",
        year_group=row["year_group"],
        school_id=row["main_school_id"],
        school_name=row["main_school_name"] or "",
        school_urn=row["main_school_urn"] or "",
        school_la_code=row["main_school_la_code"] or "",
    )


@dataclass
class CohortGroup:
    """Part of the cohort (a phase, a school) with its attendance figures."""

    label: str
    children: list[int] = field(default_factory=list)
    attendance: CohortAttendance | None = None
    sort_key: tuple = ()

    @property
    def size(self) -> int:
        return len(self.children)


def part_of(attendance: CohortAttendance, child_ids: Iterable[int]) -> CohortAttendance:
    """The cohort's figures for some of its children, from figures already read."""
    by_child = {pk: attendance.by_child[pk] for pk in child_ids if pk in attendance.by_child}
    return CohortAttendance(totals=sum(by_child.values(), AttendanceFigures()), by_child=by_child)


def _grouped(
    cohort: list[CohortChild],
    attendance: CohortAttendance,
    key: Callable[[CohortChild], tuple[tuple, str]],
) -> list[CohortGroup]:
    """Split the cohort by `key` (a child → (sort key, label)), in the sort key's order."""
    groups: dict[str, CohortGroup] = {}
    for child in cohort:
        sort_key, label = key(child)
        group = groups.setdefault(label, CohortGroup(label=label, sort_key=sort_key))
        group.children.append(child.pk)
    for group in groups.values():
        group.attendance = part_of(attendance, group.children)
    return sorted(groups.values(), key=lambda group: group.sort_key)


_PHASES = list(dict.fromkeys(dates.key_stage(year) for year in range(0, 12)))


def phase_groups(cohort: list[CohortChild], attendance: CohortAttendance) -> list[CohortGroup]:
    return _grouped(cohort, attendance, lambda c: ((_PHASES.index(c.phase),), c.phase))


def school_groups(cohort: list[CohortChild], attendance: CohortAttendance) -> list[CohortGroup]:
    """By main school, the schools with most of the cohort first; children without a school
    place last."""

    def key(child: CohortChild) -> tuple[tuple, str]:
        if child.school_id is None:
            return (1, ""), "No school place recorded"
        return (0, child.school_name), f"{child.school_name} (URN {child.school_urn})"

    groups = _grouped(cohort, attendance, key)
    return sorted(groups, key=lambda group: (group.sort_key[0], -group.size, group.sort_key))


def authority_groups(cohort: list[CohortChild], attendance: CohortAttendance) -> list[CohortGroup]:
    def key(child: CohortChild) -> tuple[tuple, str]:
        inside = child.in_home_authority
        if inside is None:
            return (2,), "No school place recorded"
        if inside:
            return (0,), f"Schools in {settings.LA_NAME}"
        return (1,), f"Schools outside {settings.LA_NAME}"

    return _grouped(cohort, attendance, key)


@dataclass(frozen=True)
class SuspensionGroup:
    label: str
    suspensions: suspension_figures.SuspensionFigure
    pupils: suspension_figures.SuspensionFigure
    days_lost: suspension_figures.SuspensionFigure
    permanent_exclusions: suspension_figures.SuspensionFigure


def suspension_group(label: str, children: list[int], term: Term) -> SuspensionGroup:
    span = (children, term.start, term.end)
    return SuspensionGroup(
        label=label,
        suspensions=suspension_figures.number_of_suspensions(*span),
        pupils=suspension_figures.pupils_suspended(*span),
        days_lost=suspension_figures.days_lost(*span),
        permanent_exclusions=suspension_figures.permanent_exclusions(*span),
    )
