"""The attendance figures (outcomes.figures) against hand-computed examples, by the DfE's rules
(domain-rules §1): codes that are not counted leave the possible sessions, late before the
register closes is present, persistent absence is 10% or more and severe 50% or more."""

import datetime
from decimal import Decimal

import pytest

from outcomes.figures import (
    AttendanceFigures,
    attendance_by_child,
    attendance_of_child,
    cohort_attendance,
    percent,
)
from outcomes.models import AttendanceDay
from tests.factories import ChildFactory, SchoolFactory
from vschool.dates import weekdays

pytestmark = pytest.mark.django_db

D = datetime.date
AUTUMN = (D(2025, 9, 1), D(2025, 12, 31))


def mark(child, day: datetime.date, am: str, pm: str = "", school=None) -> None:
    AttendanceDay.objects.create(
        child=child, date=day, school=school or SchoolFactory(), am=am, pm=pm
    )


AUTUMN_START = D(2025, 9, 1)


def marks(child, sessions: list[str], start: datetime.date = AUTUMN_START) -> None:
    """Sessions in order, AM then PM, over the weekdays from `start`."""
    school = SchoolFactory()
    days = weekdays(start, start + datetime.timedelta(days=len(sessions) * 2))
    pairs = [sessions[i : i + 2] for i in range(0, len(sessions), 2)]
    AttendanceDay.objects.bulk_create(
        AttendanceDay(child=child, date=day, school=school, am=pair[0], pm=[*pair, ""][1])
        for day, pair in zip(days, pairs, strict=False)
    )


def figures(child) -> AttendanceFigures:
    return attendance_of_child(child.pk, *AUTUMN)


def test_every_statistical_category_is_counted_as_the_dfe_defines_it():
    """Eight school days: / \\ L present; B approved activity; I M C2 authorised; N O U G
    unauthorised; D X Y1 # not counted; one afternoon not yet collected."""
    child = ChildFactory()
    marks(child, ["/", "\\", "L", "B", "I", "M", "C2", "N", "O", "U", "G", "D", "X", "Y1", "#", ""])

    result = figures(child)

    assert (result.present, result.educated_off_site) == (3, 1)
    assert (result.authorised, result.unauthorised, result.not_counted) == (3, 4, 4)
    # Not-counted codes and the blank afternoon are not possible sessions: 3 + 1 + 3 + 4.
    assert result.possible == 11
    assert (result.attended, result.absent) == (4, 7)
    assert result.attendance_percent == Decimal("36.4")  # 4 / 11 = 36.36%
    assert result.absence_percent == Decimal("63.6")  # 7 / 11 = 63.64%
    assert result.authorised_percent == Decimal("27.3")  # 3 / 11 = 27.27%
    assert result.unauthorised_percent == Decimal("36.4")  # 4 / 11 = 36.36%
    assert result.persistently_absent and result.severely_absent


def test_missing_exactly_ten_percent_is_persistent_absence():
    child = ChildFactory()
    marks(child, ["/"] * 18 + ["I", "N"])  # 2 of 20 sessions missed: 10.0%

    result = figures(child)

    assert (result.possible, result.absent, result.absence_percent) == (20, 2, Decimal("10.0"))
    assert result.persistently_absent
    assert not result.severely_absent


def test_missing_9_9_percent_is_not_persistent_absence():
    child = ChildFactory()
    marks(child, ["/"] * 64 + ["O"] * 7)  # 7 of 71 sessions missed: 9.86%

    result = figures(child)

    assert (result.possible, result.absent, result.absence_percent) == (71, 7, Decimal("9.9"))
    assert not result.persistently_absent


def test_a_rate_that_rounds_to_ten_percent_is_not_persistent_absence():
    child = ChildFactory()
    marks(child, ["/"] * 217 + ["N"] * 24, start=D(2024, 9, 2))  # 24 of 241: 9.96%

    result = attendance_of_child(child.pk, D(2024, 9, 1), D(2025, 8, 31))

    assert (result.possible, result.absence_percent) == (241, Decimal("10.0"))
    assert not result.persistently_absent


def test_missing_half_the_sessions_is_severe_absence_and_just_under_half_is_not():
    severe, nearly = ChildFactory(), ChildFactory()
    marks(severe, ["/"] * 5 + ["I"] * 3 + ["N"] * 2)  # 5 of 10: 50.0%
    marks(nearly, ["/"] * 10 + ["G"] * 9)  # 9 of 19: 47.4%

    assert figures(severe).severely_absent
    assert figures(severe).absence_percent == Decimal("50.0")
    assert figures(nearly).absence_percent == Decimal("47.4")
    assert figures(nearly).persistently_absent and not figures(nearly).severely_absent


def test_a_child_with_no_marks_has_no_percentages_and_is_not_an_absentee():
    child = ChildFactory()

    result = figures(child)

    assert result == AttendanceFigures()
    assert result.possible == 0
    assert result.attendance_percent is None and result.absence_percent is None
    assert not result.persistently_absent and not result.severely_absent
    assert attendance_by_child([child.pk], *AUTUMN) == {}


def test_a_child_with_only_not_counted_marks_has_no_possible_sessions():
    child = ChildFactory()
    marks(child, ["X", "X", "Y1", "#"])

    result = figures(child)

    assert (result.possible, result.not_counted, result.attendance_percent) == (0, 4, None)
    assert not result.persistently_absent


def test_a_part_time_timetable_counts_as_authorised_absence():
    """C2 mornings for a week: the afternoons attended are only half the possible sessions,
    so the child is severely absent although every absence was agreed."""
    child = ChildFactory()
    marks(child, ["C2", "\\"] * 5)

    result = figures(child)

    assert (result.possible, result.attended, result.authorised) == (10, 5, 5)
    assert result.unauthorised == 0
    assert result.attendance_percent == Decimal("50.0")
    assert result.severely_absent


def test_late_before_the_register_closes_is_present_but_after_it_is_unauthorised():
    child = ChildFactory()
    marks(child, ["L", "\\", "U", "\\"])

    result = figures(child)

    assert (result.present, result.unauthorised, result.possible) == (3, 1, 4)
    assert result.attendance_percent == Decimal("75.0")


def test_only_the_days_in_the_range_count_and_both_ends_are_included():
    child = ChildFactory()
    mark(child, D(2025, 8, 29), "N", "N")  # the last school day before the term: left out
    mark(child, D(2025, 9, 1), "/", "\\")  # the term's first day
    mark(child, D(2025, 12, 31), "I", "I")  # its last
    mark(child, D(2026, 1, 5), "O", "O")  # the next term: left out

    result = figures(child)

    assert (result.present, result.authorised, result.unauthorised) == (2, 2, 0)


def test_a_cohort_adds_up_its_childrens_sessions_and_counts_its_absentees():
    """Ann attends every session; Ben misses 2 of 10 (20%); Cal misses 6 of 10 (60%); Dee has
    no marks and is left out of the percentages of children."""
    ann, ben, cal, dee = ChildFactory(), ChildFactory(), ChildFactory(), ChildFactory()
    marks(ann, ["/", "\\"] * 5)
    marks(ben, ["/", "\\"] * 4 + ["I", "N"])
    marks(cal, ["/", "\\"] * 2 + ["N"] * 6)

    cohort = cohort_attendance([ann.pk, ben.pk, cal.pk, dee.pk], *AUTUMN)

    assert cohort.totals.possible == 30
    assert cohort.totals.attended == 22
    assert cohort.totals.attendance_percent == Decimal("73.3")  # 22 / 30
    assert cohort.totals.unauthorised_percent == Decimal("23.3")  # 7 / 30
    assert cohort.children_with_marks == 3
    assert cohort.persistent_absentees == sorted([ben.pk, cal.pk])
    assert cohort.severe_absentees == [cal.pk]
    assert cohort.persistent_absence_percent == Decimal("66.7")  # 2 of 3 children
    assert cohort.severe_absence_percent == Decimal("33.3")  # 1 of 3


def test_a_child_moving_school_mid_term_is_counted_once_across_both_schools():
    child = ChildFactory()
    first, second = SchoolFactory(), SchoolFactory()
    mark(child, D(2025, 9, 1), "/", "\\", school=first)
    mark(child, D(2025, 9, 2), "N", "N", school=second)

    assert attendance_by_child([child.pk], *AUTUMN)[child.pk].possible == 4


def test_percentages_round_half_up_to_one_place():
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")  # 6.25 rounds up, as published
    assert percent(2, 3) == Decimal("66.7")
    assert percent(0, 0) is None
