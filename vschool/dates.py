"""Dates and school years in one place (DESIGN.md house style 6).

An academic year runs from 1 September to 31 August and is named by the calendar year it
starts in (2025 means 2025/26).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.easter import easter

RECEPTION = 0
NURSERY = -1


def long_date(day: date) -> str:
    """A date as GOV.UK writes it, for sentences people read: 4 March 2016."""
    return f"{day.day} {day:%B %Y}"


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


# --- Terms ---------------------------------------------------------------------------------
# The school census terms: autumn from 1 September to 31 December, spring from 1 January to
# Easter Sunday, summer from Easter Monday to 31 August. Schools' own term dates differ by a
# few days; marks in a holiday simply do not exist, so the boundaries only need to fall in
# the holidays.


class TermName(StrEnum):
    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"


@dataclass(frozen=True)
class Term:
    academic_year: int
    name: TermName
    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.name.value.capitalize()} term {academic_year_label(self.academic_year)}"

    @property
    def slug(self) -> str:
        """For URLs and keys: 2025-autumn."""
        return f"{self.academic_year}-{self.name.value}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def terms_of_year(year: int) -> tuple[Term, Term, Term]:
    easter_sunday = easter(year + 1)
    return (
        Term(year, TermName.AUTUMN, date(year, 9, 1), date(year, 12, 31)),
        Term(year, TermName.SPRING, date(year + 1, 1, 1), easter_sunday),
        Term(year, TermName.SUMMER, easter_sunday + timedelta(days=1), date(year + 1, 8, 31)),
    )


def term_of(day: date) -> Term:
    return next(term for term in terms_of_year(academic_year_of(day)) if term.contains(day))


def term_from_slug(slug: str) -> Term:
    """The term a slug such as 2025-autumn names; ValueError if it names none."""
    year, _, name = slug.partition("-")
    return terms_of_year(int(year))[list(TermName).index(TermName(name))]


def previous_term(term: Term) -> Term:
    return term_of(term.start - timedelta(days=1))


def weekdays(start: date, end: date) -> list[date]:
    """Monday to Friday from start to end inclusive: the days a school may be open."""
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days
