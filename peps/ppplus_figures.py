"""Pupil Premium Plus figures for a grant year, one function each, used by the budget page,
its CSVs and the annual report (whose PP+ split is computed from the ledger, never typed).

Each returns the figure and the rows behind it: the ledger entries (or requests) it adds up.

Where the rules leave it to us:
- Money is committed when it is entered in the ledger: a termly allocation when the PEP is
  approved, an additional request when the Head approves it, anything else when recorded.
- Percentages are of the grant received (how annual reports present the split), to one
  decimal place, rounded half up; None when no grant is recorded.
- A request belongs to the grant year it was raised in (on the local date); its payment, if
  approved, belongs to the year it was approved in, which is usually the same one.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce

from peps.models import GrantYear, LedgerCategory, LedgerEntry, PpRequest, PpRequestStatus
from pupils.models import Child, School

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class MoneyFigure:
    """An amount and the ledger entries behind it."""

    value: Decimal
    entries: QuerySet[LedgerEntry]


@dataclass(frozen=True)
class Share:
    """One line of a breakdown: what (a category, school or child), how much, its percentage
    of the grant received, and the ids of the ledger entries behind it."""

    key: str | int
    label: str
    amount: Decimal
    percent: Decimal | None
    entry_ids: list[int]
    item: School | Child | None = field(default=None, compare=False)

    @property
    def count(self) -> int:
        return len(self.entry_ids)


@dataclass(frozen=True)
class Breakdown:
    """A total and the lines it splits into (largest first, except by category, which keeps
    the ledger's order of categories)."""

    total: Decimal
    rows: list[Share]


@dataclass(frozen=True)
class RequestStatusLine:
    status: str
    label: str
    count: int
    requested: Decimal
    approved: Decimal
    request_ids: list[int]


@dataclass(frozen=True)
class RequestsSummary:
    count: int
    requested: Decimal
    approved: Decimal
    rows: list[RequestStatusLine]


def grant_year_dates(start_year: int) -> tuple[date, date]:
    """The first and last day (inclusive) of a grant year: 1 April to 31 March."""
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _entries(grant_year: GrantYear) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(grant_year=grant_year)


def _total(rows: QuerySet, name: str = "amount") -> Decimal:
    return rows.aggregate(total=Coalesce(Sum(name), ZERO))["total"]


def committed(grant_year: GrantYear) -> MoneyFigure:
    """Everything entered in the year's ledger, whatever it is for."""
    entries = _entries(grant_year)
    return MoneyFigure(_total(entries), entries)


def balance(grant_year: GrantYear) -> MoneyFigure:
    """The grant received less what is committed: negative when the Head authorised an
    overspend. DfE recovers what is left unspent at 31 March."""
    spent = committed(grant_year)
    return MoneyFigure(grant_year.grant_received - spent.value, spent.entries)


def _grouped(entries: QuerySet[LedgerEntry], by: str) -> dict:
    """{value of `by`: (amount, [entry ids])}, in one query."""
    rows = (
        entries.exclude(**{f"{by}__isnull": True})
        .values(by)
        .annotate(amount=Sum("amount"), ids=ArrayAgg("id", order_by="id"))
        .order_by()
    )
    return {row[by]: (row["amount"], row["ids"]) for row in rows}


def split_by_category(grant_year: GrantYear) -> Breakdown:
    """The annual report's PP+ split: each category's amount and percentage of the grant,
    every category shown, even at £0."""
    grouped = _grouped(_entries(grant_year), "category")
    rows = []
    for category, label in LedgerCategory.choices:
        amount, ids = grouped.get(category, (ZERO, []))
        rows.append(
            Share(category, label, amount, percent_of(amount, grant_year.grant_received), ids)
        )
    return Breakdown(sum((row.amount for row in rows), ZERO), rows)


def _by_largest(rows: list[Share]) -> list[Share]:
    return sorted(rows, key=lambda row: (-row.amount, row.label, str(row.key)))


def spend_by_school(grant_year: GrantYear) -> Breakdown:
    """What each school received from the year (allocations, requests, anything else entered
    against a school), largest first. Entries with no school are left out."""
    grouped = _grouped(_entries(grant_year), "school")
    schools = School.objects.in_bulk(list(grouped))
    rows = [
        Share(
            pk,
            schools[pk].name,
            amount,
            percent_of(amount, grant_year.grant_received),
            ids,
            schools[pk],
        )
        for pk, (amount, ids) in grouped.items()
    ]
    return Breakdown(sum((row.amount for row in rows), ZERO), _by_largest(rows))


def spend_by_child(grant_year: GrantYear, children: QuerySet[Child] | None = None) -> Breakdown:
    """What was spent on each child (through their school or directly), largest first.
    `children` limits it to the children a user may see."""
    entries = _entries(grant_year)
    if children is not None:
        entries = entries.filter(child__in=children)
    grouped = _grouped(entries, "child")
    found = Child.objects.in_bulk(list(grouped))
    rows = [
        Share(
            pk,
            found[pk].display_name,
            amount,
            percent_of(amount, grant_year.grant_received),
            ids,
            found[pk],
        )
        for pk, (amount, ids) in grouped.items()
    ]
    return Breakdown(sum((row.amount for row in rows), ZERO), _by_largest(rows))


def requests_raised_in(grant_year: GrantYear) -> QuerySet[PpRequest]:
    return PpRequest.objects.filter(created_at__date__range=grant_year_dates(grant_year.start_year))


def requests_summary(grant_year: GrantYear) -> RequestsSummary:
    """Additional requests raised in the year: how many, asked and approved, by status."""
    grouped = {
        row["status"]: row
        for row in requests_raised_in(grant_year)
        .values("status")
        .annotate(
            count=Count("id"),
            requested=Sum("amount"),
            approved=Coalesce(Sum("amount_approved"), ZERO),
            ids=ArrayAgg("id", order_by="id"),
        )
        .order_by()
    }
    rows = []
    for status, label in PpRequestStatus.choices:
        row = grouped.get(status, {"count": 0, "requested": ZERO, "approved": ZERO, "ids": []})
        rows.append(
            RequestStatusLine(
                status, label, row["count"], row["requested"], row["approved"], row["ids"]
            )
        )
    return RequestsSummary(
        count=sum(row.count for row in rows),
        requested=sum((row.requested for row in rows), ZERO),
        approved=sum((row.approved for row in rows), ZERO),
        rows=rows,
    )
