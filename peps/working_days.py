"""Working days for PEP deadlines: Monday to Friday, less the bank holidays in England.

The statutory timescale for a first PEP is 20 *working* days, not school days, so school
holidays count and only weekends and bank holidays are skipped. Bank holidays are read from
settings.BANK_HOLIDAYS_FILE (a CSV with columns date,name), so an authority can add a one-off
holiday (a coronation, a royal funeral) without a release. The file is read once per path.
"""

import csv
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from django.conf import settings


@cache
def _read_bank_holidays(path: str) -> frozenset[date]:
    with Path(path).open(newline="", encoding="utf-8-sig") as file:
        return frozenset(date.fromisoformat(row["date"].strip()) for row in csv.DictReader(file))


def bank_holidays() -> frozenset[date]:
    """The bank holidays in the configured file (cached by path, so a test or an authority
    pointing the setting at another file gets that file's dates)."""
    return _read_bank_holidays(str(settings.BANK_HOLIDAYS_FILE))


def is_working_day(day: date, holidays: frozenset[date] | None = None) -> bool:
    holidays = bank_holidays() if holidays is None else holidays
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (`start` itself does not count, whatever day it is):
    care starting on Thursday 18 December 2025 gives, for n=20, Tuesday 20 January 2026.
    A negative n counts back: the n-th working day before `start`. n=0 is `start`."""
    holidays = bank_holidays()
    step = timedelta(days=1 if n >= 0 else -1)
    day, left = start, abs(n)
    while left:
        day += step
        if is_working_day(day, holidays):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`, so that
    working_days_between(start, add_working_days(start, n)) == n; negative if end is earlier."""
    if end < start:
        return -working_days_between(end, start)
    holidays = bank_holidays()
    day, count = start, 0
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day, holidays)
    return count


def last_working_day_on_or_before(day: date) -> date:
    holidays = bank_holidays()
    while not is_working_day(day, holidays):
        day -= timedelta(days=1)
    return day
