"""Demo attendance for the demo Virtual School (`manage.py seed_demo_attendance`, `make run`).

Register marks from the start of the previous term to yesterday for every child on a school's
roll, as the Welfare Call feed would have brought them, with a few suspensions and one
permanent exclusion, so that the attendance pages, the alerts and the PEP's attendance section
have something to show. Made up, and reproducible: one seed, one set of demo children and one
day always give the same marks.

The shape follows the published reports in shared/published (Halton 2022-25: primary
attendance 95-97%, secondary 87-88%; 3-12% of children in care suspended in a term, nearly all
in secondary; one permanent exclusion in a year) and the DfE's figures for children looked
after (about one in five persistently absent, two or three in a hundred severely). Most
children miss a few sessions through illness and appointments; the persistently absent miss
more, in longer spells and more of it unauthorised. A child's agreed arrangements show in the
register: C2 on the sessions a reduced timetable leaves out, D when at the school they are
dual-registered with, B at alternative provision, X for a part-time nursery place.
"""

import bisect
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from dateutil.easter import easter
from django.db import transaction
from django.utils import timezone

from outcomes.codes import attendance_codes, exclusion_reasons
from outcomes.models import AttendanceDay, ExclusionType, Suspension
from pupils.models import (
    AlternativeProvision,
    Enrolment,
    EnrolmentKind,
    ProvisionPattern,
    ReducedTimetable,
)
from vschool.dates import (
    academic_year_of,
    national_curriculum_year,
    previous_term,
    term_of,
    weekdays,
)
from vschool.history import attributed

SOURCE = "Demo data"
BATCH = 5000
SESSIONS_PER_WEEK = 10
FULL_TIME_HOURS = 32.5  # the DfE's expected minimum school week
AM, PM = 0, 1
# Codes introduced in August 2024, and what a register used before then.
EARLIER_CODE = {"C2": "C", "K": "B"}


# --- School holidays -------------------------------------------------------------------------
# England's usual holidays, roughly: schools set their own dates, and a register has no marks
# at all on a day its school is closed.


def _week_of(monday: date) -> tuple[date, date]:
    return monday, monday + timedelta(days=4)


def _one_day(day: date) -> tuple[date, date]:
    return day, day


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=-day.weekday() % 7)


@cache
def demo_holidays(year: int) -> tuple[tuple[date, date], ...]:
    """The demo's school holidays in a calendar year, as (first day, last day)."""
    easter_sunday = easter(year)
    return (
        (date(year, 1, 1), date(year, 1, 2)),
        _week_of(_monday_on_or_after(date(year, 2, 12))),  # February half-term
        (easter_sunday - timedelta(days=2), easter_sunday + timedelta(days=5)),  # Easter
        _one_day(_monday_on_or_after(date(year, 5, 1))),  # early May bank holiday
        _week_of(_last_monday_of(year, 5)),  # May half-term and the spring bank holiday
        (date(year, 7, 21), date(year, 8, 31)),  # summer
        _week_of(_last_monday_of(year, 10)),  # October half-term
        (date(year, 12, 18), date(year, 12, 31)),  # Christmas
    )


def _last_monday_of(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def demo_holiday(day: date) -> bool:
    return any(first <= day <= last for first, last in demo_holidays(day.year))


def demo_school_days(start: date, end: date) -> list[date]:
    return [day for day in weekdays(start, end) if not demo_holiday(day)]


# --- How a child attends ---------------------------------------------------------------------


@dataclass(frozen=True)
class Habits:
    """How one child attends: the share of sessions they miss and how they miss them."""

    absence: float  # share of the sessions they are expected at
    unauthorised: float  # share of their absences with no good reason
    run: int  # mean length in school days of a spell off
    half_days: float  # share of their absence that is a single session
    late: float  # share of mornings they arrive late


def habits_draw(rng: random.Random, year: int) -> Habits:
    """Secondary-age children miss much more school than primary (the published reports:
    87-88% against 95-97%), and nearly all the persistent and severe absence is theirs."""
    secondary, roll = year >= 7, rng.random()
    severe, persistent = (0.04, 0.22) if secondary else (0.005, 0.06)
    if roll < severe:
        return Habits(rng.uniform(0.5, 0.9), rng.uniform(0.5, 0.9), 6, 0.05, 0.05)
    if roll < persistent:
        return Habits(rng.uniform(0.12, 0.4), rng.uniform(0.2, 0.6), 3, 0.15, 0.06)
    return Habits(rng.uniform(0.01, 0.06 if secondary else 0.05), rng.uniform(0, 0.2), 2, 0.2, 0.02)


def _daily_chances(habits: Habits) -> tuple[float, float]:
    """The chance that a day off starts a spell of absence, and that it has one session
    missed, so that the child misses `absence` of their sessions in the long run. A spell
    starting with chance q and lasting r days on average fills r / (1/q - 1 + r) of the days."""
    whole = habits.absence * (1 - habits.half_days)
    spell = 1 / (habits.run * (1 / whole - 1) + 1)
    single = 2 * habits.absence * habits.half_days / (1 - whole)
    return spell, single


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _spell_code(rng: random.Random, habits: Habits) -> str:
    if rng.random() < habits.unauthorised:
        return _pick(rng, {"O": 55, "N": 35, "G": 10})
    return _pick(rng, {"I": 90, "C": 5, "M": 5})


def _one_session_off(rng: random.Random, habits: Habits) -> tuple[str, str]:
    """An appointment, going home ill, arriving after the register closed, missing an
    afternoon: one session of the day missed."""
    if rng.random() < habits.unauthorised:
        code = _pick(rng, {"O": 50, "U": 30, "N": 20})
        return ("U", "\\") if code == "U" else rng.choice([(code, "\\"), ("/", code)])
    if rng.random() < 0.35:
        return "/", "I"
    return rng.choice([("M", "\\"), ("/", "M")])


def _present(rng: random.Random, habits: Habits) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.005:
        return "V", "V"  # a school trip
    if roll < 0.008:
        return "/", "P"  # a fixture against another school
    if roll < 0.011:
        return "B", "\\"  # a supervised activity off site
    return ("L" if rng.random() < habits.late else "/"), "\\"


def marks_draw(rng: random.Random, habits: Habits, count: int) -> list[tuple[str, str]]:
    """`count` school days of (AM, PM) marks: spells of whole days off (an illness lasts a
    few days, truancy comes in runs), the odd session missed, late mornings and trips."""
    spell, single = _daily_chances(habits)
    marks, code, left = [], "", 0
    for _ in range(count):
        if not left:
            roll = rng.random()
            if roll < spell:
                code, left = _spell_code(rng, habits), rng.randint(1, 2 * habits.run - 1)
            elif roll < spell + single:
                marks.append(_one_session_off(rng, habits))
                continue
            else:
                marks.append(_present(rng, habits))
                continue
        marks.append((code, code))
        left -= 1
    return marks


# --- A child's arrangements ------------------------------------------------------------------


@dataclass(frozen=True)
class Arrangement:
    """Sessions of the week a child is not expected in class, from `start` to `end`
    (inclusive, None for open), and the code the register gives them."""

    code: str
    start: date
    end: date | None
    slots: frozenset[tuple[int, int]]  # (weekday, session)

    def code_on(self, day: date, session: int) -> str | None:
        covers = self.start <= day and (self.end is None or day <= self.end)
        return self.code if covers and (day.weekday(), session) in self.slots else None


def afternoons_first(sessions: int) -> frozenset[tuple[int, int]]:
    """`sessions` of the week's ten, afternoons first from Friday back: a part-time timetable
    usually ends the school day at lunchtime."""
    order = [(day, session) for session in (PM, AM) for day in (4, 3, 2, 1, 0)]
    return frozenset(order[: max(0, min(SESSIONS_PER_WEEK, sessions))])


def _whole_days(rng: random.Random, count: int) -> frozenset[tuple[int, int]]:
    return frozenset((day, s) for day in rng.sample(range(5), count) for s in (AM, PM))


def _sessions_for(hours: float) -> int:
    return round(SESSIONS_PER_WEEK * float(hours) / FULL_TIME_HOURS)


@dataclass
class Pupil:
    """A child on a roll in the demo's days: their school for each day on it, what is
    arranged for them, and their marks as they are drawn."""

    pk: int
    born: date
    year_adjustment: int
    days: list[date] = field(default_factory=list)
    schools: list[int] = field(default_factory=list)
    arrangements: list[Arrangement] = field(default_factory=list)
    marks: list[list[str]] = field(default_factory=list)  # [AM, PM] for each day

    def year_on(self, day: date) -> int:
        return national_curriculum_year(self.born, day) + self.year_adjustment

    @property
    def year(self) -> int:
        """Their year group on their last day in the demo's days."""
        return self.year_on(self.days[-1])


def _pupils_on_roll(school_days: list[date]) -> dict[int, Pupil]:
    """Every child with a main enrolment on one of the days, and the days it covers."""
    start, end = school_days[0], school_days[-1]
    pupils: dict[int, Pupil] = {}
    rows = (
        Enrolment.objects.filter(kind=EnrolmentKind.MAIN)
        .overlapping(start, end)
        .values_list(
            "child_id",
            "school_id",
            "start_date",
            "end_date",
            "child__date_of_birth",
            "child__year_group_adjustment",
        )
        .order_by("child_id", "start_date")
    )
    for child_id, school_id, first, last, born, adjustment in rows:
        pupil = pupils.setdefault(child_id, Pupil(child_id, born, adjustment))
        low = bisect.bisect_left(school_days, first)
        high = bisect.bisect_right(school_days, last) if last else len(school_days)
        pupil.days += school_days[low:high]
        pupil.schools += [school_id] * (high - low)
    return {pk: pupil for pk, pupil in pupils.items() if pupil.days}


def _reduced_timetables(pupils: dict[int, Pupil], start: date, end: date) -> None:
    """C2 on the sessions the agreed hours leave out, taken from the afternoons first."""
    rows = ReducedTimetable.objects.filter(
        enrolment__kind=EnrolmentKind.MAIN, enrolment__child_id__in=list(pupils)
    ).overlapping(start, end)
    for child_id, first, last, hours in rows.order_by(
        "enrolment__child_id", "start_date", "pk"
    ).values_list("enrolment__child_id", "start_date", "end_date", "hours_per_week"):
        slots = afternoons_first(SESSIONS_PER_WEEK - _sessions_for(hours))
        pupils[child_id].arrangements.append(Arrangement("C2", first, last, slots))


def _dual_registrations(
    rng: random.Random, pupils: dict[int, Pupil], start: date, end: date
) -> None:
    """D on the one to three days a week the child spends at the other school (a PRU)."""
    rows = Enrolment.objects.filter(kind=EnrolmentKind.SUBSIDIARY, child_id__in=list(pupils))
    for child_id, first, last in (
        rows.overlapping(start, end)
        .order_by("child_id", "start_date", "pk")
        .values_list("child_id", "start_date", "end_date")
    ):
        slots = _whole_days(rng, rng.randint(1, 3))
        pupils[child_id].arrangements.append(Arrangement("D", first, last, slots))


def _alternative_provisions(
    rng: random.Random, pupils: dict[int, Pupil], start: date, end: date
) -> None:
    """B on the days at the provider: every day if full-time, else as its hours make."""
    rows = AlternativeProvision.objects.filter(child_id__in=list(pupils))
    for child_id, first, last, pattern, hours in (
        rows.overlapping(start, end)
        .order_by("child_id", "start_date", "pk")
        .values_list("child_id", "start_date", "end_date", "pattern", "hours_per_week")
    ):
        full_time = pattern == ProvisionPattern.FULL_TIME or not hours
        days = 5 if full_time else max(1, min(4, round(_sessions_for(hours) / 2)))
        pupils[child_id].arrangements.append(Arrangement("B", first, last, _whole_days(rng, days)))


def _arrangements(rng: random.Random, pupils: dict[int, Pupil], start: date, end: date) -> None:
    """What is agreed for each child, in a fixed order (so that one seed gives one timetable)
    which is also their precedence: a reduced timetable's C2 before D, B or X."""
    _reduced_timetables(pupils, start, end)
    _dual_registrations(rng, pupils, start, end)
    _alternative_provisions(rng, pupils, start, end)
    for pupil in pupils.values():
        _nursery_place(rng, pupil)


def _nursery_place(rng: random.Random, pupil: Pupil) -> None:
    """Most nursery places are the funded 15 hours, mornings only; the afternoons are X, not
    of compulsory school age and not expected."""
    first = pupil.days[0]
    year = pupil.year_on(first)
    if year < 0 and rng.random() < 0.6:
        reception = date(academic_year_of(first) - year, 8, 31)
        pupil.arrangements.append(Arrangement("X", first, reception, afternoons_first(5)))


def _register(rng: random.Random, pupil: Pupil) -> None:
    """Draw the child's marks; what is arranged for a session takes its place."""
    habits = habits_draw(rng, pupil.year)
    drawn = marks_draw(rng, habits, len(pupil.days))
    for day, pair in zip(pupil.days, drawn, strict=True):
        marks = list(pair)
        for session in (AM, PM):
            for arrangement in pupil.arrangements:
                if code := arrangement.code_on(day, session):
                    marks[session] = code
                    break
        pupil.marks.append(marks)


# --- Suspensions and the permanent exclusion -------------------------------------------------

SUSPENSION_SHARE = 0.05  # of school-age children (Halton 2022-23: 5% a term)
SUSPENSION_REASONS = {"DB": 40, "VA": 20, "PA": 10, "VP": 8, "PP": 8, "DM": 5, "BU": 3, "MT": 3}
EXCLUSION_REASONS = {"PA": 4, "OW": 3, "PP": 2, "DA": 1}
# Halton had one permanent exclusion in a year among a few hundred children in care: a demo
# with fewer secondary-age children than this has none.
EXCLUSION_COHORT = 50
DAYS_WITHOUT_PROVISION = 5  # provision must be arranged from the sixth school day


def _reasons(rng: random.Random, weights: dict[str, float], start: date) -> list[str]:
    """One reason, sometimes two, from the confirmed DfE list in use on the first day."""
    known = exclusion_reasons()
    usable = {c: w for c, w in weights.items() if known[c].confirmed and known[c].valid_on(start)}
    reasons = [_pick(rng, usable)]
    if rng.random() < 0.3 and (second := _pick(rng, usable)) not in reasons:
        reasons.append(second)
    return reasons


def _starts(pupil: Pupil, length: int) -> list[int]:
    """Where `length` days off could start: consecutive weekdays (a suspension does not span
    a holiday) at one school, clear of any earlier suspension."""
    starts = []
    for i in range(len(pupil.days) - length + 1):
        first, last = pupil.days[i], pupil.days[i + length - 1]
        if len(weekdays(first, last)) != length or len(set(pupil.schools[i : i + length])) > 1:
            continue
        if not any("E" in marks for marks in pupil.marks[i : i + length]):
            starts.append(i)
    return starts


def _suspension_at(pupil: Pupil, i: int, length: int, kind: str) -> Suspension:
    """Mark E from the i-th day for `length` days; the record of it, not yet saved."""
    for marks in pupil.marks[i : i + length]:
        marks[:] = ["E", "E"]
    return Suspension(
        child_id=pupil.pk,
        school_id=pupil.schools[i],
        kind=kind,
        start_date=pupil.days[i],
        end_date=pupil.days[i + length - 1],
        sessions_lost=2 * length,
    )


def _suspensions(rng: random.Random, pupils: dict[int, Pupil], last_day: date) -> list[Suspension]:
    """About one school-age child in twenty suspended for one to three days, four times as
    often in secondary as in primary, a quarter of them twice. The first is for a day or two
    ending on the last school day, so that this morning's alerts include one."""
    school_age = [pupil for pupil in pupils.values() if 1 <= pupil.year <= 11]
    # A weighted sample without replacement (Efraimidis and Spirakis): the highest keys win.
    key = {p.pk: rng.random() ** (1 / (4 if p.year >= 7 else 1)) for p in school_age}
    chosen = sorted(school_age, key=lambda p: key[p.pk], reverse=True)
    chosen = chosen[: round(SUSPENSION_SHARE * len(school_age))]
    chosen.sort(key=lambda p: p.days[-1] != last_day)  # stable: one still on roll first
    records = []
    for n, pupil in enumerate(chosen):
        for again in range(1 + (rng.random() < 0.25)):
            latest = n == 0 and not again and pupil.days[-1] == last_day
            length = rng.choice((1, 2) if latest else (1, 1, 1, 2, 2, 3))
            starts = _starts(pupil, length)
            if latest:
                starts = [i for i in starts if i + length == len(pupil.days)] or starts
            if starts:
                record = _suspension_at(pupil, rng.choice(starts), length, ExclusionType.SUSPENSION)
                record.reasons = _reasons(rng, SUSPENSION_REASONS, record.start_date)
                records.append(record)
    return records


def _permanent_exclusion(rng: random.Random, pupils: dict[int, Pupil]) -> list[Suspension]:
    """One secondary-age child excluded two to five weeks ago: E for five days, then the
    local authority's provision (K) from the sixth, as the guidance requires."""
    secondary = [pupil for pupil in pupils.values() if 7 <= pupil.year <= 11]
    if len(secondary) < EXCLUSION_COHORT:
        return []
    length, candidates = DAYS_WITHOUT_PROVISION, []
    for pupil in secondary:
        # Not suspended, and at one school since: the provision's marks follow to the end.
        if any("E" in marks for marks in pupil.marks) or len(set(pupil.schools[-25:])) > 1:
            continue
        recent = range(len(pupil.days) - 25, len(pupil.days) - 10)
        if starts := [i for i in _starts(pupil, length) if i in recent]:
            candidates.append((pupil, starts))
    if not candidates:
        return []
    pupil, starts = rng.choice(candidates)
    i = rng.choice(starts)
    record = _suspension_at(pupil, i, length, ExclusionType.PERMANENT)
    record.reasons = _reasons(rng, EXCLUSION_REASONS, record.start_date)
    record.alternative_provision_from_day_six = True
    for marks in pupil.marks[i + length :]:
        marks[:] = ["K", "K"]
    return [record]


# --- Saving ----------------------------------------------------------------------------------


def _code_on(code: str, day: date) -> str:
    return code if attendance_codes()[code].valid_on(day) else EARLIER_CODE[code]


def _rows(pupils: dict[int, Pupil]) -> list[AttendanceDay]:
    return [
        AttendanceDay(
            child_id=pupil.pk,
            date=day,
            school_id=school_id,
            am=_code_on(am, day),
            pm=_code_on(pm, day),
        )
        for pupil in pupils.values()
        for day, school_id, (am, pm) in zip(pupil.days, pupil.schools, pupil.marks, strict=True)
    ]


def _recorded_at(day: date) -> datetime:
    """A suspension is recorded the afternoon it starts: a demo record made now would look
    newly recorded, and raise an alert, however long ago it was."""
    return timezone.make_aware(datetime.combine(day, time(16)))


def _save(rows: list[AttendanceDay], suspensions: list[Suspension]) -> None:
    # One transaction: the marks' table has no history triggers on insert (only on change),
    # so a single one stays fast, and a failure leaves nothing half-made.
    with attributed(acting_user=None, source=SOURCE), transaction.atomic():
        AttendanceDay.objects.bulk_create(rows, batch_size=BATCH)
        Suspension.objects.bulk_create(suspensions)
        for suspension in suspensions:
            suspension.created_at = _recorded_at(suspension.start_date)
        Suspension.objects.bulk_update(suspensions, ["created_at"])


def demo_attendance_generate(*, seed: int, today: date) -> int:
    """Generate and save the demo's attendance marks, suspensions and permanent exclusion
    from the start of the previous term to yesterday; returns the number of marks (two a
    day). Does nothing, and returns 0, if there are any marks already."""
    if AttendanceDay.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
    days = demo_school_days(previous_term(term_of(today)).start, today - timedelta(days=1))
    if not days:
        return 0
    pupils = _pupils_on_roll(days)
    _arrangements(rng, pupils, days[0], days[-1])
    for pupil in pupils.values():  # in the order of the children's ids: one seed, one register
        _register(rng, pupil)
    suspensions = _suspensions(rng, pupils, days[-1]) + _permanent_exclusion(rng, pupils)
    rows = _rows(pupils)
    _save(rows, suspensions)
    return 2 * len(rows)
