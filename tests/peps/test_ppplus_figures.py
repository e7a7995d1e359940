"""Pupil Premium Plus figures against a ledger worked out by hand.

The 2025-26 grant is £20,000. Its ledger:

    school A  termly allocation  child 1   £600
    school A  termly allocation  child 2   £600
    school A  approved request   child 1   £450
    school B  termly allocation  child 3   £600
    -         direct support     child 3   £300
    -         training                   £1,500
    -         centrally retained         £2,000

So: committed £6,050, balance £13,950. By category: allocated to schools £2,250 (11.25%,
published as 11.3%), direct support £300 (1.5%), training £1,500 (7.5%), centrally retained
£2,000 (10.0%). By school: A £1,650 (8.25% → 8.3%), B £600 (3.0%). By child: child 1 £1,050
(5.25% → 5.3%), child 3 £900 (4.5%), child 2 £600 (3.0%). A £999 entry in 2024-25 counts in
none of them.
"""

from datetime import datetime
from decimal import Decimal

import pytest

from peps import ppplus_figures as figures
from peps.models import LedgerCategory, PpRequest, PpRequestStatus
from pupils.models import Child
from tests.factories import ChildFactory, SchoolFactory
from tests.peps.ppplus_factories import (
    GrantYearFactory,
    LedgerEntryFactory,
    PepFactory,
    PpRequestFactory,
)

pytestmark = pytest.mark.django_db

ALLOCATION = LedgerCategory.SCHOOL_ALLOCATION


@pytest.fixture
def ledger():
    year = GrantYearFactory(start_year=2025, grant_received=Decimal("20000.00"))
    school_a = SchoolFactory(name="Ash Grove Academy")
    school_b = SchoolFactory(name="Beech Hill Primary")
    child_1, child_2, child_3 = ChildFactory(), ChildFactory(), ChildFactory()
    for school, child, category, amount in (
        (school_a, child_1, ALLOCATION, "600"),
        (school_a, child_2, ALLOCATION, "600"),
        (school_a, child_1, ALLOCATION, "450"),
        (school_b, child_3, ALLOCATION, "600"),
        (None, child_3, LedgerCategory.DIRECT_SUPPORT, "300"),
        (None, None, LedgerCategory.TRAINING, "1500"),
        (None, None, LedgerCategory.CENTRALLY_RETAINED, "2000"),
    ):
        LedgerEntryFactory(
            grant_year=year, school=school, child=child, category=category, amount=Decimal(amount)
        )
    earlier = GrantYearFactory(start_year=2024, grant_received=Decimal("5000.00"))
    LedgerEntryFactory(
        grant_year=earlier, school=school_a, child=child_1, category=ALLOCATION, amount=999
    )
    return {
        "year": year,
        "schools": (school_a, school_b),
        "children": (child_1, child_2, child_3),
    }


def test_committed_is_every_entry_of_the_year(ledger):
    figure = figures.committed(ledger["year"])
    assert figure.value == Decimal("6050.00")
    assert figure.entries.count() == 7


def test_balance_is_the_grant_less_what_is_committed(ledger):
    assert figures.balance(ledger["year"]).value == Decimal("13950.00")


def test_a_year_with_nothing_committed_has_its_whole_grant_left():
    year = GrantYearFactory(grant_received=Decimal("1234.56"))
    assert figures.committed(year).value == Decimal("0.00")
    assert figures.balance(year).value == Decimal("1234.56")


def test_the_split_by_category_is_the_annual_reports(ledger):
    split = figures.split_by_category(ledger["year"])
    assert [(row.key, row.amount, row.percent, row.count) for row in split.rows] == [
        (LedgerCategory.SCHOOL_ALLOCATION, Decimal("2250"), Decimal("11.3"), 4),
        (LedgerCategory.DIRECT_SUPPORT, Decimal("300"), Decimal("1.5"), 1),
        (LedgerCategory.TRAINING, Decimal("1500"), Decimal("7.5"), 1),
        (LedgerCategory.CENTRALLY_RETAINED, Decimal("2000"), Decimal("10.0"), 1),
    ]
    assert split.total == Decimal("6050.00")
    assert split.rows[0].label == "Allocated to schools through PEPs"


def test_every_category_is_shown_even_when_nothing_is_spent_on_it():
    split = figures.split_by_category(GrantYearFactory())
    assert [(row.amount, row.percent) for row in split.rows] == [
        (Decimal("0.00"), Decimal("0.0"))
    ] * 4


def test_percentages_need_a_grant():
    year = GrantYearFactory(grant_received=Decimal("0"))
    LedgerEntryFactory(grant_year=year, amount=Decimal("10"))
    assert {row.percent for row in figures.split_by_category(year).rows} == {None}


def test_spend_by_school_largest_first(ledger):
    school_a, school_b = ledger["schools"]
    by_school = figures.spend_by_school(ledger["year"])
    assert [(row.item, row.amount, row.percent, row.count) for row in by_school.rows] == [
        (school_a, Decimal("1650.00"), Decimal("8.3"), 3),
        (school_b, Decimal("600.00"), Decimal("3.0"), 1),
    ]
    assert by_school.total == Decimal("2250.00")


def test_spend_by_child_largest_first(ledger):
    child_1, child_2, child_3 = ledger["children"]
    by_child = figures.spend_by_child(ledger["year"])
    assert [(row.item, row.amount, row.percent) for row in by_child.rows] == [
        (child_1, Decimal("1050.00"), Decimal("5.3")),
        (child_3, Decimal("900.00"), Decimal("4.5")),
        (child_2, Decimal("600.00"), Decimal("3.0")),
    ]
    assert by_child.total == Decimal("2550.00")


def test_spend_by_child_can_be_limited_to_the_children_a_user_sees(ledger):
    child_1, _child_2, child_3 = ledger["children"]
    visible = Child.objects.filter(pk__in=[child_1.pk, child_3.pk])
    rows = figures.spend_by_child(ledger["year"], visible).rows
    assert [row.item for row in rows] == [child_1, child_3]


def test_the_rows_behind_a_figure_are_its_ledger_entries(ledger):
    school_a, _ = ledger["schools"]
    row = figures.spend_by_school(ledger["year"]).rows[0]
    entries = figures.committed(ledger["year"]).entries.filter(pk__in=row.entry_ids)
    assert {entry.school for entry in entries} == {school_a}
    assert sum(entry.amount for entry in entries) == row.amount


def _request(status: str, amount: str, approved: str | None, raised: str) -> PpRequest:
    request = PpRequestFactory(
        pep=PepFactory(),
        status=status,
        amount=Decimal(amount),
        amount_approved=Decimal(approved) if approved else None,
    )
    PpRequest.objects.filter(pk=request.pk).update(created_at=datetime.fromisoformat(raised))
    return request


def test_requests_summary_counts_the_years_requests_by_status():
    """Raised in 2025-26: two pending (£250 + £100), one approved (£450), one part approved
    (£300 of £800), one declined (£200). One raised on 31 March 2025 belongs to 2024-25, and
    one raised at 00:30 on 1 April 2025 (23:30 UTC the day before) to 2025-26."""
    year = GrantYearFactory(start_year=2025)
    _request(PpRequestStatus.PENDING, "250", None, "2025-04-01 00:30+01:00")
    _request(PpRequestStatus.PENDING, "100", None, "2026-03-31 18:00+01:00")
    _request(PpRequestStatus.APPROVED, "450", "450", "2025-10-01 10:00+01:00")
    _request(PpRequestStatus.PART_APPROVED, "800", "300", "2025-11-01 10:00+00:00")
    _request(PpRequestStatus.DECLINED, "200", None, "2026-01-05 10:00+00:00")
    _request(PpRequestStatus.APPROVED, "999", "999", "2025-03-31 15:00+01:00")

    summary = figures.requests_summary(year)

    assert [(row.status, row.count, row.requested, row.approved) for row in summary.rows] == [
        (PpRequestStatus.PENDING, 2, Decimal("350.00"), Decimal("0.00")),
        (PpRequestStatus.APPROVED, 1, Decimal("450.00"), Decimal("450.00")),
        (PpRequestStatus.PART_APPROVED, 1, Decimal("800.00"), Decimal("300.00")),
        (PpRequestStatus.DECLINED, 1, Decimal("200.00"), Decimal("0.00")),
    ]
    assert (summary.count, summary.requested, summary.approved) == (
        5,
        Decimal("1800.00"),
        Decimal("750.00"),
    )
