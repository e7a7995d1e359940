"""Dates and school years in one place (DESIGN.md house style 6).

An academic year runs from 1 September to 31 August and is named by the calendar year it
starts in (2025 means 2025/26).
"""

from datetime import date

RECEPTION = 0
NURSERY = -1


def academic_year_of(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def academic_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def academic_year_start(year: int) -> date:
    return date(year, 9, 1)


def academic_year_end(year: int) -> date:
    return date(year + 1, 8, 31)


def national_curriculum_year(date_of_birth: date, on: date) -> int:
    """The year group a child born on that date is in on that day, taught in their own age
    group: Reception is 0, Year 1 is 1, nursery -1, below that younger early years.

    A child starts Reception in the September after their fourth birthday, counting a
    birthday on 1 September as the start of the next cohort."""
    cohort = date_of_birth.year if date_of_birth.month < 9 else date_of_birth.year + 1
    return academic_year_of(on) - (cohort + 4)


def year_group_label(year: int) -> str:
    if year <= NURSERY - 1:
        return "Early years (under 3)"
    if year == NURSERY:
        return "Nursery"
    if year == RECEPTION:
        return "Reception"
    if year <= 13:
        return f"Year {year}"
    return "Post-18"


def key_stage(year: int) -> str:
    """The phase label the published reports group children by."""
    if year <= RECEPTION:
        return "Early years"
    if year <= 2:
        return "Key stage 1"
    if year <= 6:
        return "Key stage 2"
    if year <= 9:
        return "Key stage 3"
    if year <= 11:
        return "Key stage 4"
    if year <= 13:
        return "Key stage 5"
    return "Post-18"


def age_on(date_of_birth: date, on: date) -> int:
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - before_birthday
