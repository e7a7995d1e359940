"""The suspension and permanent exclusion figures against a hand-computed autumn term.

The cohort is Ann, Ben, Cal and Dee; Eve is not in it.
- Ann: suspended 3–4 November (4 sessions, 2 days); a lunchtime suspension on 10 November
  (1 session, half a day); a suspension on 1 December the school withdrew.
- Ben: suspended 15–17 October (6 sessions, 3 days); permanently excluded on 20 November,
  upheld.
- Cal: suspended on 1 September, the term's first day (2 sessions); permanently excluded on
  5 November but overturned on review; suspended again on 5 January, in the spring term.
- Dee: nothing.
- Eve: suspended 3 November, outside the cohort.

Autumn: 4 suspensions (Ann 2, Ben 1, Cal 1) by 3 pupils; 4 + 1 + 6 + 2 = 13 sessions, 6.5
days lost; 1 permanent exclusion (Ben).
"""

import datetime
from decimal import Decimal

import pytest

from outcomes.models import ExclusionOutcome, ExclusionType, Suspension
from outcomes.suspension_figures import (
    SuspensionFigure,
    days_lost,
    number_of_suspensions,
    permanent_exclusions,
    pupils_suspended,
)
from pupils.models import Child
from tests.factories import ChildFactory, SchoolFactory

pytestmark = pytest.mark.django_db

D = datetime.date
AUTUMN = (D(2025, 9, 1), D(2025, 12, 31))
SPRING = (D(2026, 1, 1), D(2026, 4, 5))
SUSP, PERM, LNCH = ExclusionType.SUSPENSION, ExclusionType.PERMANENT, ExclusionType.LUNCHTIME


def suspend(child, kind, start, end, sessions, outcome=ExclusionOutcome.UPHELD) -> None:
    Suspension.objects.create(
        child=child,
        school=SchoolFactory(),
        kind=kind,
        start_date=start,
        end_date=end,
        sessions_lost=sessions,
        reasons=["DB"],
        outcome=outcome,
    )


@pytest.fixture
def cohort():
    ann, ben, cal, dee, eve = (ChildFactory(la_child_id=name) for name in "ABCDE")
    suspend(ann, SUSP, D(2025, 11, 3), D(2025, 11, 4), 4)
    suspend(ann, LNCH, D(2025, 11, 10), D(2025, 11, 10), 1)
    suspend(ann, SUSP, D(2025, 12, 1), D(2025, 12, 1), 2, ExclusionOutcome.WITHDRAWN)
    suspend(ben, SUSP, D(2025, 10, 15), D(2025, 10, 17), 6)
    suspend(ben, PERM, D(2025, 11, 20), D(2025, 11, 20), 2)
    suspend(cal, SUSP, D(2025, 9, 1), D(2025, 9, 1), 2)
    suspend(cal, PERM, D(2025, 11, 5), D(2025, 11, 5), 2, ExclusionOutcome.OVERTURNED)
    suspend(cal, SUSP, D(2026, 1, 5), D(2026, 1, 6), 3)
    suspend(eve, SUSP, D(2025, 11, 3), D(2025, 11, 3), 2)
    return {"ann": ann, "ben": ben, "cal": cal, "dee": dee, "ids": [ann.pk, ben.pk, cal.pk, dee.pk]}


def test_number_of_suspensions_counts_each_suspension_including_lunchtimes(cohort):
    result = number_of_suspensions(cohort["ids"], *AUTUMN)

    assert result.value == 4
    assert result.children == sorted([cohort["ann"].pk, cohort["ben"].pk, cohort["cal"].pk])


def test_pupils_suspended_counts_each_pupil_once(cohort):
    result = pupils_suspended(cohort["ids"], *AUTUMN)

    assert result == SuspensionFigure(
        3, sorted([cohort["ann"].pk, cohort["ben"].pk, cohort["cal"].pk])
    )


def test_days_lost_are_half_the_sessions_lost(cohort):
    result = days_lost(cohort["ids"], *AUTUMN)

    assert result.value == Decimal("6.5")
    assert result.children == sorted([cohort["ann"].pk, cohort["ben"].pk, cohort["cal"].pk])


def test_only_upheld_permanent_exclusions_count(cohort):
    result = permanent_exclusions(cohort["ids"], *AUTUMN)

    assert result == SuspensionFigure(1, [cohort["ben"].pk])


def test_a_suspension_belongs_to_the_term_it_starts_in(cohort):
    assert number_of_suspensions(cohort["ids"], *SPRING) == SuspensionFigure(1, [cohort["cal"].pk])
    assert days_lost(cohort["ids"], *SPRING).value == Decimal("1.5")
    assert permanent_exclusions(cohort["ids"], *SPRING).value == 0


def test_figures_for_part_of_the_cohort_count_only_those_children(cohort):
    ann = [cohort["ann"].pk]

    assert number_of_suspensions(ann, *AUTUMN).value == 2
    assert days_lost(ann, *AUTUMN).value == Decimal("2.5")  # the withdrawn one left out
    assert pupils_suspended([cohort["dee"].pk], *AUTUMN) == SuspensionFigure(0, [])


def test_a_queryset_of_children_is_a_cohort_too(cohort):
    children = Child.objects.filter(la_child_id__in=["A", "B", "C", "D"])

    assert number_of_suspensions(children, *AUTUMN).value == 4
    assert days_lost(children, *AUTUMN).value == Decimal("6.5")


def test_each_figure_is_one_query(cohort, django_assert_num_queries):
    for figure in (number_of_suspensions, pupils_suspended, days_lost, permanent_exclusions):
        with django_assert_num_queries(1):
            figure(cohort["ids"], *AUTUMN)
