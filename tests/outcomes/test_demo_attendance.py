"""The demo attendance (outcomes.demo, manage.py seed_demo_attendance): reproducible, on school
days only while a child is on a roll, DfE codes only, and shaped like the published reports."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from statistics import median

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from outcomes.codes import attendance_codes, exclusion_reasons
from outcomes.demo import demo_attendance_generate, demo_holiday
from outcomes.figures import attendance_by_child
from outcomes.models import Alert, AlertKind, AttendanceDay, ExclusionType, Suspension
from pupils.demo import demo_school_generate
from pupils.models import Child, Enrolment, EnrolmentKind, ReducedTimetable
from tests.factories import ChildFactory, EnrolmentFactory, SchoolFactory
from vschool.dates import weekdays

pytestmark = pytest.mark.django_db
TODAY = date(2027, 3, 10)  # a Wednesday in the spring term: the marks run from 1 September
FIRST_DAY, LAST_DAY = date(2026, 9, 1), date(2027, 3, 9)
HOLIDAYS = [
    (date(2026, 10, 26), date(2026, 10, 30)),  # October half-term
    (date(2026, 12, 18), date(2027, 1, 1)),  # Christmas (Friday 18th to New Year's Day)
    (date(2027, 2, 15), date(2027, 2, 19)),  # February half-term
]


@pytest.fixture
def world():
    """A small demo Virtual School: sixty children, their schools and enrolments."""
    demo_school_generate(children=60, seed=3, today=TODAY)


def registers() -> dict[tuple[str, date], tuple[int, str, str]]:
    """Every mark, by what a person would recognise: the child's LA ID and the day."""
    rows = AttendanceDay.objects.values_list("child__la_child_id", "date", "school_id", "am", "pm")
    return {(child, day): (school, am, pm) for child, day, school, am, pm in rows}


def suspensions() -> set[tuple]:
    return set(
        Suspension.objects.values_list("child__la_child_id", "kind", "start_date", "end_date")
    )


def forget_attendance() -> None:
    Suspension.objects.all().delete()
    AttendanceDay.objects.all().delete()


def main_schools() -> dict[int, list[tuple[date, date, int]]]:
    """Each child's main enrolments as (first day, last day, school)."""
    spells = defaultdict(list)
    for child_id, first, last, school_id in Enrolment.objects.filter(
        kind=EnrolmentKind.MAIN
    ).values_list("child_id", "start_date", "end_date", "school_id"):
        spells[child_id].append((first, last or TODAY, school_id))
    return spells


def main_school_on(child_id: int, day: date, spells=None) -> int | None:
    spells = main_schools() if spells is None else spells
    return next((s for first, last, s in spells[child_id] if first <= day <= last), None)


def test_the_same_seed_gives_the_same_registers_and_another_seed_others(world):
    marks = demo_attendance_generate(seed=7, today=TODAY)
    first, first_suspensions = registers(), suspensions()
    forget_attendance()
    assert demo_attendance_generate(seed=7, today=TODAY) == marks
    assert registers() == first
    assert suspensions() == first_suspensions
    forget_attendance()
    demo_attendance_generate(seed=8, today=TODAY)
    assert registers().keys() == first.keys()  # the same children on the same days…
    assert registers() != first  # …marked differently


def test_marks_two_sessions_a_day_for_each_child_on_a_roll(world):
    marks = demo_attendance_generate(seed=1, today=TODAY)
    assert marks == 2 * AttendanceDay.objects.count() > 0


def test_marks_fall_on_school_days_only_while_the_child_is_on_a_main_roll(world):
    demo_attendance_generate(seed=1, today=TODAY)
    days = AttendanceDay.objects.values_list("child_id", "date", "school_id")
    spells = main_schools()
    for child_id, day, school_id in days:
        assert FIRST_DAY <= day <= LAST_DAY
        assert day.weekday() < 5
        assert not any(first <= day <= last for first, last in HOLIDAYS)
        assert main_school_on(child_id, day, spells) == school_id
    # …and on every such day: no gaps in a register.
    marked = defaultdict(set)
    for child_id, day, _ in days:
        marked[child_id].add(day)
    school_days = [day for day in weekdays(FIRST_DAY, LAST_DAY) if not demo_holiday(day)]
    for child in Child.objects.all():
        expected = {day for day in school_days if main_school_on(child.pk, day, spells)}
        assert marked[child.pk] == expected


def test_the_demo_holidays_are_englands_usual_ones():
    for day in (date(2026, 4, 3), date(2026, 4, 6), date(2026, 4, 10)):  # Good Friday, Easter
        assert demo_holiday(day)
    assert demo_holiday(date(2026, 5, 4))  # early May bank holiday
    assert demo_holiday(date(2026, 5, 25)) and demo_holiday(date(2026, 5, 29))  # half-term
    assert demo_holiday(date(2026, 7, 21)) and demo_holiday(date(2026, 8, 31))  # summer
    for first, last in HOLIDAYS:
        assert all(demo_holiday(day) for day in weekdays(first, last))
    for day in (date(2026, 4, 13), date(2026, 7, 20), date(2026, 9, 1), date(2027, 1, 4)):
        assert not demo_holiday(day)


def test_every_mark_is_a_dfe_code_in_use_on_the_day(world):
    demo_attendance_generate(seed=1, today=TODAY)
    codes = attendance_codes()
    for day, am, pm in AttendanceDay.objects.values_list("date", "am", "pm"):
        for code in (am, pm):
            assert code in codes and codes[code].valid_on(day), (day, code)


def test_absence_is_as_common_as_the_published_reports_say(world):
    """About one child in care in five is persistently absent (missing 10% or more), a few
    severely (50% or more); most attend 93-97% of sessions."""
    demo_attendance_generate(seed=1, today=TODAY)
    figures = attendance_by_child(Child.objects.all(), FIRST_DAY, LAST_DAY).values()
    assert len(figures) >= 30
    persistent = sum(f.persistently_absent for f in figures) / len(figures)
    severe = sum(f.severely_absent for f in figures) / len(figures)
    assert 0.10 <= persistent <= 0.35
    assert severe <= 0.10
    assert Decimal("93") <= median(f.attendance_percent for f in figures) <= Decimal("98")


def test_generating_again_adds_nothing(world):
    demo_attendance_generate(seed=1, today=TODAY)
    before, before_suspensions = registers(), suspensions()
    assert demo_attendance_generate(seed=2, today=TODAY) == 0
    assert registers() == before
    assert suspensions() == before_suspensions


def test_c2_only_on_days_a_reduced_timetable_covers(world):
    demo_attendance_generate(seed=1, today=TODAY)
    agreed = defaultdict(list)
    for child_id, first, last in ReducedTimetable.objects.values_list(
        "enrolment__child_id", "start_date", "end_date"
    ):
        agreed[child_id].append((first, last or TODAY))
    part_time = AttendanceDay.objects.filter(am="C2") | AttendanceDay.objects.filter(pm="C2")
    for child_id, day in part_time.values_list("child_id", "date"):
        assert any(first <= day <= last for first, last in agreed[child_id])


def test_a_reduced_timetable_of_15_hours_means_every_afternoon_is_c2():
    """15 of 32.5 hours is 5 of the week's 10 sessions in school: the 5 afternoons off."""
    enrolment = EnrolmentFactory(child=ChildFactory(), start_date=date(2023, 9, 1))
    ReducedTimetable.objects.create(
        enrolment=enrolment,
        start_date=date(2026, 11, 2),
        end_date=date(2026, 11, 27),
        hours_per_week=Decimal("15"),
        reason="Phased return after a placement move",
    )
    demo_attendance_generate(seed=1, today=TODAY)
    c2 = {
        (day, session)
        for day, am, pm in AttendanceDay.objects.values_list("date", "am", "pm")
        for session, code in (("am", am), ("pm", pm))
        if code == "C2"
    }
    assert c2 == {(day, "pm") for day in weekdays(date(2026, 11, 2), date(2026, 11, 27))}


def test_suspensions_are_recorded_and_marked_e(world):
    demo_attendance_generate(seed=1, today=TODAY)
    rows = AttendanceDay.objects.values_list("child_id", "date", "am", "pm")
    marks = {(child, day): (am, pm) for child, day, am, pm in rows}
    suspended_days = set()
    assert Suspension.objects.filter(kind=ExclusionType.SUSPENSION).exists()
    for suspension in Suspension.objects.filter(kind=ExclusionType.SUSPENSION):
        days = weekdays(suspension.start_date, suspension.end_date)
        assert 1 <= len(days) <= 3
        assert suspension.sessions_lost == 2 * len(days)
        assert suspension.school_id == main_school_on(suspension.child_id, suspension.start_date)
        assert all(marks[(suspension.child_id, day)] == ("E", "E") for day in days)
        assert all(exclusion_reasons()[code].confirmed for code in suspension.reasons)
        suspended_days |= {(suspension.child_id, day) for day in days}
    marked_e = {key for key, pair in marks.items() if "E" in pair}
    assert marked_e == suspended_days


def test_one_permanent_exclusion_with_provision_from_the_sixth_day():
    """In a Virtual School with enough secondary-age children: E for five school days, then
    K (provision the local authority arranged) on every day after."""
    school = SchoolFactory()
    for _ in range(60):
        EnrolmentFactory(child=ChildFactory(), school=school, start_date=date(2023, 9, 1))
    demo_attendance_generate(seed=1, today=TODAY)
    exclusion = Suspension.objects.get(kind=ExclusionType.PERMANENT)
    assert exclusion.sessions_lost == 10
    assert exclusion.alternative_provision_from_day_six is True
    days = AttendanceDay.objects.filter(child=exclusion.child, date__gte=exclusion.start_date)
    pairs = [(am, pm) for am, pm in days.order_by("date").values_list("am", "pm")]
    assert pairs[:5] == [("E", "E")] * 5
    assert pairs[5:] and set(pairs[5:]) == {("K", "K")}


def test_seed_demo_attendance_reports_what_it_made_and_raises_alerts(world):
    output = StringIO()
    noon = timezone.make_aware(datetime.combine(TODAY, datetime.min.time()) + timedelta(hours=12))
    with time_machine.travel(noon, tick=False):
        call_command("seed_demo_attendance", seed=1, stdout=output)
        marks = AttendanceDay.objects.count() * 2
        children = AttendanceDay.objects.values("child").distinct().count()
        suspended = Suspension.objects.filter(kind=ExclusionType.SUSPENSION).count()
        assert output.getvalue().startswith(
            f"Demo attendance: {marks} marks for {children} children, {suspended} suspensions"
        )
        assert Alert.objects.filter(kind=AlertKind.LOW_ATTENDANCE).exists()
        # The demo's suspensions were recorded when they happened: only the one in the last
        # three weekdays (from Monday 8 March) is news this morning.
        recent = Suspension.objects.filter(start_date__gte=date(2027, 3, 8))
        news = Alert.objects.filter(kind=AlertKind.SUSPENSION).values_list("key", flat=True)
        assert set(news) == {s.start_date.isoformat() for s in recent} != set()
        assert Suspension.objects.count() > recent.count()
        again = StringIO()
        call_command("seed_demo_attendance", stdout=again)
    assert "no demo attendance added" in again.getvalue()
    assert AttendanceDay.objects.count() * 2 == marks
