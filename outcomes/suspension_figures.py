"""Suspension and permanent exclusion figures (domain-rules §2), one function each, used by the
attendance overview now and the termly reports later.

Each function takes a cohort (a queryset of children or a list of their ids) and a period, and
returns the figure with the children behind it, in one query.

What counts, where the rules leave it to us:
- A suspension or exclusion belongs to the period its first day falls in, as the DfE counts
  them by the term they start in; its days lost all count there.
- Suspensions are fixed-period and lunchtime suspensions (a lunchtime is one session, half a
  day). A suspension the school withdrew never took effect and is left out.
- Permanent exclusions count only when upheld: one withdrawn by the head or overturned on
  review did not happen, as in the DfE's statistics.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from outcomes.models import ExclusionOutcome, ExclusionType, Suspension

SUSPENSION_KINDS = (ExclusionType.SUSPENSION, ExclusionType.LUNCHTIME)
SUSPENSION_DAYS_LIMIT = 45  # school days in an academic year, by law


@dataclass(frozen=True)
class SuspensionFigure:
    """A figure and the ids of the children behind it (sorted)."""

    value: int | Decimal
    children: list[int]


Children = QuerySet | list[int]


def _suspensions(children: Children, start: date, end: date) -> QuerySet[Suspension]:
    return Suspension.objects.filter(
        child__in=children, kind__in=SUSPENSION_KINDS, start_date__range=(start, end)
    ).exclude(outcome=ExclusionOutcome.WITHDRAWN)


def _child_ids(rows: QuerySet) -> list[int]:
    return list(rows.values_list("child_id", flat=True).order_by("child_id"))


def number_of_suspensions(children: Children, start: date, end: date) -> SuspensionFigure:
    """How many suspensions began in the period: one pupil can contribute several."""
    child_ids = _child_ids(_suspensions(children, start, end))
    return SuspensionFigure(len(child_ids), sorted(set(child_ids)))


def pupils_suspended(children: Children, start: date, end: date) -> SuspensionFigure:
    """How many pupils had one or more suspensions beginning in the period."""
    child_ids = sorted(set(_child_ids(_suspensions(children, start, end))))
    return SuspensionFigure(len(child_ids), child_ids)


def days_lost(children: Children, start: date, end: date) -> SuspensionFigure:
    """School days lost to suspensions beginning in the period: two sessions make a day."""
    rows = _suspensions(children, start, end).values_list("child_id", "sessions_lost")
    sessions = 0
    child_ids = set()
    for child_id, lost in rows:
        sessions += lost
        child_ids.add(child_id)
    return SuspensionFigure(Decimal(sessions) / 2, sorted(child_ids))


def permanent_exclusions(children: Children, start: date, end: date) -> SuspensionFigure:
    """Upheld permanent exclusions beginning in the period."""
    rows = Suspension.objects.filter(
        child__in=children,
        kind=ExclusionType.PERMANENT,
        outcome=ExclusionOutcome.UPHELD,
        start_date__range=(start, end),
    )
    child_ids = _child_ids(rows)
    return SuspensionFigure(len(child_ids), sorted(set(child_ids)))
