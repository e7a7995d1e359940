"""Attendance and suspension figures by the DfE's definitions (domain-rules §1, §2), one
function each, used by the pages now and the reports later.

Possible sessions leave out codes that are not counted (D, X, Q, Y1–Y7, Z, #); attendance is
present plus approved educational activity; persistent absence is missing 10% or more of
possible sessions, severe absence 50% or more. These are per child across all their schools
in the period, which is how a Virtual School follows its children; the DfE's own statistics
are per enrolment.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, IntegerField, QuerySet, Sum, Value, When

from outcomes.codes import AttendanceCategory, codes_in
from outcomes.models import AttendanceDay

PERSISTENT_ABSENCE = Decimal("10")
SEVERE_ABSENCE = Decimal("50")
_CATEGORIES = {
    "present": (AttendanceCategory.PRESENT,),
    "educated_off_site": (AttendanceCategory.EDUCATED_OFF_SITE,),
    "authorised": (AttendanceCategory.AUTHORISED,),
    "unauthorised": (AttendanceCategory.UNAUTHORISED,),
    "not_counted": (AttendanceCategory.NOT_COUNTED,),
}


def percent(part: int, whole: int) -> Decimal | None:
    """One decimal place, rounded half up as published; None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AttendanceFigures:
    present: int = 0
    educated_off_site: int = 0
    authorised: int = 0
    unauthorised: int = 0
    not_counted: int = 0

    @property
    def possible(self) -> int:
        return self.present + self.educated_off_site + self.authorised + self.unauthorised

    @property
    def attended(self) -> int:
        return self.present + self.educated_off_site

    @property
    def absent(self) -> int:
        return self.authorised + self.unauthorised

    @property
    def attendance_percent(self) -> Decimal | None:
        return percent(self.attended, self.possible)

    @property
    def absence_percent(self) -> Decimal | None:
        return percent(self.absent, self.possible)

    @property
    def authorised_percent(self) -> Decimal | None:
        return percent(self.authorised, self.possible)

    @property
    def unauthorised_percent(self) -> Decimal | None:
        return percent(self.unauthorised, self.possible)

    @property
    def persistently_absent(self) -> bool:
        # Compared unrounded: 9.96% is not 10%.
        return bool(self.possible) and self.absent * 100 >= PERSISTENT_ABSENCE * self.possible

    @property
    def severely_absent(self) -> bool:
        return bool(self.possible) and self.absent * 100 >= SEVERE_ABSENCE * self.possible

    def __add__(self, other: "AttendanceFigures") -> "AttendanceFigures":
        return AttendanceFigures(
            **{name: getattr(self, name) + getattr(other, name) for name in _CATEGORIES}
        )


def _sessions_in(codes: frozenset[str]) -> Sum:
    def one(session: str) -> Case:
        return Case(
            When(**{f"{session}__in": codes}, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )

    return Sum(one("am") + one("pm"))


def _aggregates() -> dict:
    return {name: _sessions_in(codes_in(*cats)) for name, cats in _CATEGORIES.items()}


def attendance_by_child(
    children: QuerySet | list[int], start: date, end: date
) -> dict[int, AttendanceFigures]:
    """Each child's figures for the days start to end inclusive, in one query."""
    rows = (
        AttendanceDay.objects.filter(child__in=children, date__range=(start, end))
        .values("child_id")
        .annotate(**_aggregates())
        .order_by()
    )
    return {row.pop("child_id"): AttendanceFigures(**row) for row in rows}


def attendance_of_child(child_id: int, start: date, end: date) -> AttendanceFigures:
    return attendance_by_child([child_id], start, end).get(child_id, AttendanceFigures())


@dataclass(frozen=True)
class CohortAttendance:
    """A cohort's figures for a period: totals, and the children behind each measure."""

    totals: AttendanceFigures
    by_child: dict[int, AttendanceFigures]

    @property
    def children_with_marks(self) -> int:
        return len(self.by_child)

    @property
    def persistent_absentees(self) -> list[int]:
        return sorted(c for c, f in self.by_child.items() if f.persistently_absent)

    @property
    def severe_absentees(self) -> list[int]:
        return sorted(c for c, f in self.by_child.items() if f.severely_absent)

    @property
    def persistent_absence_percent(self) -> Decimal | None:
        return percent(len(self.persistent_absentees), self.children_with_marks)

    @property
    def severe_absence_percent(self) -> Decimal | None:
        return percent(len(self.severe_absentees), self.children_with_marks)


def cohort_attendance(children: QuerySet | list[int], start: date, end: date) -> CohortAttendance:
    by_child = attendance_by_child(children, start, end)
    totals = sum(by_child.values(), AttendanceFigures())
    return CohortAttendance(totals=totals, by_child=by_child)
