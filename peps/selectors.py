"""Reads for the PEP dashboards: what "completed" and "overdue" mean, the terms a dashboard
offers, a child's phase in SQL, and the quality-assurance rating tables.

Every read is a fixed number of queries, aggregated in the database, however many children or
PEPs there are. The compliance figures themselves are in peps.compliance.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, TruncDate

from outcomes.figures import percent
from peps.models import Pep, PepStatus, QaRating
from peps.quality import good_or_better_ratings
from vschool import dates
from vschool.dates import Term

# --- Completed and overdue ---------------------------------------------------------------------
# A PEP is completed when the school has submitted it to the Virtual School and it has not been
# sent back: it is submitted (awaiting quality assurance) or approved. A returned PEP is not
# complete until it is submitted again. It was completed on the day of its latest submission
# (submitted_at), or, failing that, the day it was approved.

COMPLETED_STATUSES = (PepStatus.SUBMITTED, PepStatus.APPROVED)


def completed_q() -> Q:
    return Q(status__in=COMPLETED_STATUSES)


def overdue_q(today: date) -> Q:
    """Due before today and not completed (submitted or approved)."""
    return Q(due_date__lt=today) & ~completed_q()


def overdue(today: date, peps: QuerySet[Pep] | None = None) -> QuerySet[Pep]:
    """The PEPs overdue on that day. Overdue is never stored: it follows from the due date and
    the status, so a PEP stops being overdue the moment it is submitted."""
    return (Pep.objects.all() if peps is None else peps).filter(overdue_q(today))


def completed_on():
    """The day a PEP was completed, as an SQL expression (null while it is not)."""
    return Case(
        When(completed_q(), then=Coalesce(TruncDate("submitted_at"), TruncDate("approved_at"))),
        default=None,
        output_field=DateField(),
    )


# --- Terms a dashboard offers ------------------------------------------------------------------


def terms_offered(today: date) -> list[Term]:
    """This academic year's and last year's terms that have begun, newest first."""
    year = dates.academic_year_of(today)
    terms = [*dates.terms_of_year(year - 1), *dates.terms_of_year(year)]
    return [term for term in reversed(terms) if term.start <= today]


def chosen_term(slug: str | None, today: date) -> Term:
    """The term a page's ?term= names, if it is one offered; otherwise this term."""
    return next((term for term in terms_offered(today) if term.slug == slug), dates.term_of(today))


def term_links(path: str, chosen: Term, today: date) -> list[dict]:
    return [
        {"text": str(term), "href": f"{path}?term={term.slug}", "current": term == chosen}
        for term in terms_offered(today)
    ]


def peps_of_term(term: Term) -> QuerySet[Pep]:
    return Pep.objects.filter(academic_year=term.academic_year, term=term.name.value)


# --- Phases -------------------------------------------------------------------------------------
# (slug, label, lowest year group, highest year group): the key stages of vschool.dates.key_stage.

PHASES = [
    ("early-years", "Early years", None, dates.RECEPTION),
    ("key-stage-1", "Key stage 1", 1, 2),
    ("key-stage-2", "Key stage 2", 3, 6),
    ("key-stage-3", "Key stage 3", 7, 9),
    ("key-stage-4", "Key stage 4", 10, 11),
    ("key-stage-5", "Key stage 5", 12, 13),
    ("post-18", "Post-18", 14, None),
]
PHASE_LABELS = {slug: label for slug, label, _, _ in PHASES}


def child_year_group(academic_year: int, prefix: str = "child__"):
    """The child's National Curriculum year in that academic year, in SQL: the same sum as
    vschool.dates.national_curriculum_year plus the out-of-year-group adjustment
    (Child.year_group)."""
    born_autumn = Case(
        When(**{f"{prefix}date_of_birth__month__gte": 9}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    cohort = ExtractYear(f"{prefix}date_of_birth") + born_autumn
    return Value(academic_year - 4) - cohort + F(f"{prefix}year_group_adjustment")


def phase_expression():
    """The key stage slug of the annotation `year_group`."""
    whens = []
    for slug, _, low, high in PHASES:
        bounds = {}
        if low is not None:
            bounds["year_group__gte"] = low
        if high is not None:
            bounds["year_group__lte"] = high
        whens.append(When(Q(**bounds), then=Value(slug)))
    return Case(*whens, output_field=CharField())


def with_phase(peps: QuerySet[Pep], academic_year: int) -> QuerySet[Pep]:
    """PEPs annotated with the child's year group and phase in that academic year."""
    return peps.annotate(year_group=child_year_group(academic_year)).annotate(
        phase=phase_expression()
    )


# --- Quality-assurance ratings ------------------------------------------------------------------

RATINGS = [rating.value for rating in QaRating]


@dataclass
class RatingRow:
    """How many PEPs a group had rated at each point of the scale."""

    label: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rated(self) -> int:
        return sum(self.counts.values())

    @property
    def good_or_better(self) -> int:
        return sum(self.counts.get(rating, 0) for rating in good_or_better_ratings())

    @property
    def good_or_better_percent(self) -> Decimal | None:
        return percent(self.good_or_better, self.rated)

    def cells(self) -> list[tuple[str, int]]:
        return [(rating, self.counts.get(rating, 0)) for rating in RATINGS]


def rated_peps(term: Term) -> QuerySet[Pep]:
    """The term's PEPs that carry a rating (every version: each one was quality-assured)."""
    return peps_of_term(term).exclude(rating="")


def _rating_counts() -> dict:
    return {rating: Count("pk", filter=Q(rating=rating)) for rating in RATINGS}


def rating_distribution(term: Term) -> RatingRow:
    counts = rated_peps(term).aggregate(**_rating_counts())
    return RatingRow("All rated PEPs", counts)


def ratings_by_school(term: Term) -> list[RatingRow]:
    rows = (
        rated_peps(term)
        .values("school_id", "school__name")
        .annotate(**_rating_counts())
        .order_by("school__name", "school_id")
    )
    return [_row(row, row.pop("school__name") or "No school", "school_id") for row in rows]


def ratings_by_reviewer(term: Term) -> list[RatingRow]:
    rows = (
        rated_peps(term)
        .values("rated_by_id", "rated_by__full_name", "rated_by__email")
        .annotate(**_rating_counts())
        .order_by("rated_by__full_name", "rated_by_id")
    )
    return [
        _row(
            row,
            row.pop("rated_by__full_name") or row["rated_by__email"] or "Not recorded",
            "rated_by_id",
            "rated_by__email",
        )
        for row in rows
    ]


def _row(row: dict, label: str, *drop: str) -> RatingRow:
    for key in drop:
        row.pop(key, None)
    return RatingRow(label, row)
