"""Working days for PEP deadlines: weekends and the bank holidays in the configured file are
skipped; school holidays are not (the statutory 20 days are working days, not school days)."""

import datetime

import pytest

from peps.working_days import (
    add_working_days,
    bank_holidays,
    is_working_day,
    working_days_between,
)

D = datetime.date


def test_twenty_working_days_after_care_starts_skip_christmas_and_new_year():
    # Thursday 18 December 2025: 19, 22, 23, 24, 29, 30, 31 December (7), then 2, 5-9, 12-16,
    # 19 and 20 January (13); 25 and 26 December and 1 January are bank holidays.
    assert add_working_days(D(2025, 12, 18), 20) == D(2026, 1, 20)


def test_a_start_at_the_weekend_counts_from_the_monday():
    assert add_working_days(D(2025, 11, 8), 1) == D(2025, 11, 10)


def test_counting_back_skips_weekends():
    # 15 working days before Friday 19 December 2025 is Friday 28 November.
    assert add_working_days(D(2025, 12, 19), -15) == D(2025, 11, 28)


def test_working_days_between_is_the_inverse_of_adding_them():
    start = D(2025, 12, 18)
    for days in (0, 1, 5, 20, 40):
        assert working_days_between(start, add_working_days(start, days)) == days
    assert working_days_between(D(2026, 1, 20), D(2025, 12, 18)) == -20


def test_bank_holidays_come_from_the_configured_file(settings, tmp_path):
    extra = tmp_path / "holidays.csv"
    extra.write_text("date,name\n2025-12-25,Christmas Day\n2026-01-05,Extra holiday\n")
    settings.BANK_HOLIDAYS_FILE = extra
    assert bank_holidays() == {D(2025, 12, 25), D(2026, 1, 5)}
    assert not is_working_day(D(2026, 1, 5))
    # Now 26 December and 1 January are working days and 5 January is not: 19, 22-24, 26,
    # 29-31 December (8), 1, 2, 6-9 January (14), 12-16 (19) and 19 January (20).
    assert add_working_days(D(2025, 12, 18), 20) == D(2026, 1, 19)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 12, 24), True),
        (D(2025, 12, 25), False),
        (D(2025, 12, 27), False),  # a Saturday
        (D(2026, 4, 3), False),  # Good Friday
        (D(2026, 8, 31), False),  # summer bank holiday
    ],
)
def test_working_days_are_weekdays_that_are_not_bank_holidays(day, working):
    assert is_working_day(day) is working
