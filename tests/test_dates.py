"""Academic years, National Curriculum year groups, key stages and ages (vschool/dates.py),
checked against the cut-off every school uses: a child born on 31 August is the youngest in
their year, one born on 1 September the oldest in the next."""

from datetime import date

import pytest

from vschool.dates import (
    academic_year_end,
    academic_year_label,
    academic_year_of,
    academic_year_start,
    age_on,
    key_stage,
    national_curriculum_year,
    year_group_label,
)

AUTUMN_2025 = date(2025, 11, 3)


def test_the_academic_year_starts_on_1_september():
    assert academic_year_of(date(2025, 8, 31)) == 2024
    assert academic_year_of(date(2025, 9, 1)) == 2025
    assert academic_year_label(2025) == "2025/26"
    assert academic_year_label(1999) == "1999/00"
    assert (academic_year_start(2025), academic_year_end(2025)) == (
        date(2025, 9, 1),
        date(2026, 8, 31),
    )


@pytest.mark.parametrize(
    ("born", "year_group"),
    [
        (date(2015, 8, 31), 6),  # youngest in Year 6 in 2025/26
        (date(2015, 9, 1), 5),  # oldest in Year 5
        (date(2014, 9, 1), 6),  # oldest in Year 6
        (date(2010, 1, 15), 11),
        (date(2021, 3, 2), 0),  # Reception: started the September after turning 4
        (date(2021, 9, 1), -1),  # nursery
        (date(2008, 6, 30), 13),
    ],
)
def test_year_group_follows_the_31_august_cut_off(born, year_group):
    assert national_curriculum_year(born, AUTUMN_2025) == year_group


def test_a_child_moves_up_a_year_on_1_september_not_on_their_birthday():
    born = date(2012, 1, 15)
    assert national_curriculum_year(born, date(2026, 8, 31)) == 9
    assert national_curriculum_year(born, date(2026, 9, 1)) == 10


@pytest.mark.parametrize(
    ("year_group", "stage"),
    [
        (-1, "Early years"),
        (0, "Early years"),
        (1, "Key stage 1"),
        (2, "Key stage 1"),
        (3, "Key stage 2"),
        (6, "Key stage 2"),
        (7, "Key stage 3"),
        (9, "Key stage 3"),
        (10, "Key stage 4"),
        (11, "Key stage 4"),
        (12, "Key stage 5"),
        (13, "Key stage 5"),
        (14, "Post-18"),
    ],
)
def test_key_stage(year_group, stage):
    assert key_stage(year_group) == stage


def test_year_group_labels():
    assert [year_group_label(y) for y in (-2, -1, 0, 1, 13, 14)] == [
        "Early years (under 3)",
        "Nursery",
        "Reception",
        "Year 1",
        "Year 13",
        "Post-18",
    ]


def test_age_turns_on_the_birthday():
    born = date(2010, 5, 20)
    assert age_on(born, date(2025, 5, 19)) == 14
    assert age_on(born, date(2025, 5, 20)) == 15


def test_a_leap_day_birthday_counts_from_1_march_in_other_years():
    born = date(2012, 2, 29)
    assert age_on(born, date(2013, 2, 28)) == 0
    assert age_on(born, date(2013, 3, 1)) == 1
    assert age_on(born, date(2016, 2, 29)) == 4
