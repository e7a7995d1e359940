"""PEP compliance for a term: one named function per figure on the compliance dashboard, each
returning the figure and the PEPs behind it, so that every number on the page links to the
list it counts and is tested on its own.

Definitions (peps.selectors has "completed" and "overdue"):
- A term's PEPs due are its termly PEPs (first versions: a later version amends an approved
  plan and is not a second PEP for the term), whether or not their due date has passed.
- Completed on time: submitted or approved, and last submitted on or before the due date.
- Completed late: submitted or approved, and last submitted after the due date.
- Overdue: not completed and the due date has passed (before today).
- Not yet due: not completed and due today or later.
  These four split the PEPs due: each PEP is in exactly one.
- Initial PEPs completed within 20 working days: initial PEPs (first versions) whose due date
  falls in the term and has passed, or that are already completed; within 20 working days means
  completed on or before the due date, which the scheduler set to 20 working days after the
  child came into care (peps.services.scheduling).
- Phase: the child's key stage in the term's academic year (vschool.dates.key_stage).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet

from outcomes.figures import percent
from peps.models import Pep, PepKind
from peps.selectors import (
    PHASES,
    completed_on,
    completed_q,
    overdue_q,
    peps_of_term,
    with_phase,
)
from vschool.dates import Term


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    count: int
    peps: QuerySet[Pep]  # the PEPs counted, unevaluated
    denominator: int | None = None

    @property
    def percent(self) -> Decimal | None:
        return None if self.denominator is None else percent(self.count, self.denominator)


# --- The PEPs each figure counts -------------------------------------------------------------


def _first_versions(term: Term, kind: str, phase: str | None) -> QuerySet[Pep]:
    peps = peps_of_term(term).filter(kind=kind, version=1).annotate(completed_on=completed_on())
    peps = with_phase(peps, term.academic_year)
    return peps.filter(phase=phase) if phase else peps


def _on_time() -> Q:
    return completed_q() & Q(completed_on__lte=F("due_date"))


def conditions(today: date) -> dict[str, Q]:
    """Which of a term's termly PEPs each figure counts (the keys of FIGURES)."""
    return {
        "due": Q(),
        "on_time": _on_time(),
        # Negated, so that a completed PEP with no recorded date still counts somewhere.
        "late": completed_q() & ~Q(completed_on__lte=F("due_date")),
        "overdue": overdue_q(today),
        "not_yet_due": ~completed_q() & Q(due_date__gte=today),
    }


def initial_conditions(today: date) -> dict[str, Q]:
    """Which of a term's initial PEPs the two initial-PEP figures count."""
    return {
        "initial_due": completed_q() | Q(due_date__lt=today),
        "initial_on_time": _on_time(),
    }


def _figure(term: Term, today: date, key: str, label: str, phase: str | None) -> Figure:
    kind = PepKind.INITIAL if key.startswith("initial") else PepKind.TERMLY
    condition = {**conditions(today), **initial_conditions(today)}[key]
    peps = _first_versions(term, kind, phase).filter(condition)
    return Figure(key=key, label=label, count=peps.count(), peps=peps)


# --- The figures -------------------------------------------------------------------------------


def peps_due(term: Term, today: date, phase: str | None = None) -> Figure:
    return _figure(term, today, "due", "PEPs due", phase)


def peps_completed_on_time(term: Term, today: date, phase: str | None = None) -> Figure:
    return _figure(term, today, "on_time", "Completed on time", phase)


def peps_completed_late(term: Term, today: date, phase: str | None = None) -> Figure:
    return _figure(term, today, "late", "Completed late", phase)


def peps_overdue(term: Term, today: date, phase: str | None = None) -> Figure:
    return _figure(term, today, "overdue", "Overdue", phase)


def peps_not_yet_due(term: Term, today: date, phase: str | None = None) -> Figure:
    return _figure(term, today, "not_yet_due", "Not yet due", phase)


def initial_peps_due(term: Term, today: date, phase: str | None = None) -> Figure:
    return _figure(term, today, "initial_due", "Initial PEPs due so far", phase)


def initial_peps_within_20_working_days(
    term: Term, today: date, phase: str | None = None
) -> Figure:
    """The number and percentage of the initial PEPs due so far that were completed within 20
    working days of the child entering care."""
    figure = _figure(term, today, "initial_on_time", "Completed within 20 working days", phase)
    due = initial_peps_due(term, today, phase).count
    return Figure(figure.key, figure.label, figure.count, figure.peps, denominator=due)


FIGURES = {
    "due": peps_due,
    "on_time": peps_completed_on_time,
    "late": peps_completed_late,
    "overdue": peps_overdue,
    "not_yet_due": peps_not_yet_due,
    "initial_due": initial_peps_due,
    "initial_on_time": initial_peps_within_20_working_days,
}


# --- The dashboard's table: every figure by phase, in one query per kind of PEP ----------------


@dataclass
class PhaseRow:
    slug: str  # "" for the total row
    label: str
    counts: dict[str, int] = field(default_factory=dict)

    def percent(self, key: str, of: str) -> Decimal | None:
        return percent(self.counts.get(key, 0), self.counts.get(of, 0))


def _by_phase(term: Term, kind: str, wanted: dict[str, Q]) -> list[PhaseRow]:
    counts = {
        row.pop("phase"): row
        for row in _first_versions(term, kind, None)
        .values("phase")
        .annotate(**{key: Count("pk", filter=condition) for key, condition in wanted.items()})
        .order_by()
    }
    rows = [PhaseRow(slug, label, counts[slug]) for slug, label, _, _ in PHASES if slug in counts]
    total = {key: sum(row.counts[key] for row in rows) for key in wanted}
    return [*rows, PhaseRow("", "All phases", total)]


def compliance_by_phase(term: Term, today: date) -> list[PhaseRow]:
    """The termly figures for each phase that has PEPs due, then the total: the same
    conditions as the named figures, counted in one grouped query."""
    return _by_phase(term, PepKind.TERMLY, conditions(today))


def initial_compliance_by_phase(term: Term, today: date) -> list[PhaseRow]:
    return _by_phase(term, PepKind.INITIAL, initial_conditions(today))
