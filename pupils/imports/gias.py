"""Schools from a GIAS establishment CSV (the DfE's register of schools, "Get Information about
Schools"), keyed by URN.

GIAS downloads have about 60 more columns than the ones read here; they are ignored. An
extract may cover one LA or all of England, so schools that are not in the file are left as
they are.
"""

from dataclasses import dataclass

from pupils.identifiers import URN_SHAPE
from pupils.imports.common import (
    FileSpec,
    Outcome,
    Problem,
    Row,
    Table,
    Tally,
    bulk_changes,
    wrong_width_problem,
)
from pupils.imports.common import read_table as read_common
from pupils.models import Phase, School

ESTABLISHMENTS = FileSpec(
    role="establishments",
    label="Schools (GIAS establishment file)",
    required=(
        "URN",
        "LA (code)",
        "LA (name)",
        "EstablishmentNumber",
        "EstablishmentName",
        "TypeOfEstablishment (name)",
        "PhaseOfEducation (name)",
        "EstablishmentStatus (name)",
        "Postcode",
    ),
)
FILES = (ESTABLISHMENTS,)

OPEN_STATUSES = frozenset({"Open", "Open, but proposed to close"})
CLOSED_STATUSES = frozenset({"Closed", "Proposed to open"})

# GIAS's phases of education. Middle schools "deemed" primary or secondary are still middle
# schools. "16 plus" is a sixth form (16-19 academies and free schools, school sixth forms):
# it is counted with secondary, as the published "children in good schools" figures do, and
# only a further education college (by its type) is further education.
PHASES = {
    "Nursery": Phase.NURSERY,
    "Primary": Phase.PRIMARY,
    "Middle deemed primary": Phase.MIDDLE,
    "Middle deemed secondary": Phase.MIDDLE,
    "Secondary": Phase.SECONDARY,
    "16 plus": Phase.SECONDARY,
    "All-through": Phase.ALL_THROUGH,
}
NOT_APPLICABLE = "Not applicable"
COLLEGE_TYPES = frozenset({"Further education", "Sixth form centres"})


def phase_of(type_name: str, phase_name: str) -> Phase | None:
    """The phase the Virtual School reports by. The type of establishment wins where it says
    more than GIAS's phase (a PRU, a special school, an independent school, a college); a phase
    of "Not applicable" falls back on the type. None for a phase GIAS does not have."""
    kind = type_name.lower()
    if "pupil referral unit" in kind or "alternative provision" in kind:
        return Phase.ALTERNATIVE
    # Before "independent": an independent special school is a special school first, as its
    # children's needs matter more to the Virtual School than its funding.
    if "special" in kind:
        return Phase.SPECIAL
    if "independent" in kind:
        return Phase.INDEPENDENT
    if type_name in COLLEGE_TYPES:
        return Phase.FURTHER_EDUCATION
    if phase_name in PHASES:
        return PHASES[phase_name]
    if phase_name == NOT_APPLICABLE or not phase_name:
        return Phase.NURSERY if "nursery" in kind else Phase.NOT_APPLICABLE
    return None


def read(spec: FileSpec, name: str, content: bytes) -> Table:
    return read_common(spec, name, content)


def apply(tables: dict[str, Table], *, acting_user, source: str) -> Outcome:
    # Schools are public information and not part of a child's record, so they are not tracked
    # by history; the run itself records who imported what.
    outcome = Outcome()
    _Schools(tables["establishments"], outcome).apply()
    return outcome


@dataclass
class _SchoolRow:
    row: Row
    wanted: dict
    warnings: list[Problem]


class _Schools:
    def __init__(self, table: Table, outcome: Outcome):
        self.table, self.outcome = table, outcome
        self.tally = Tally(ESTABLISHMENTS.label)
        outcome.tallies.append(self.tally)

    def apply(self) -> None:
        rows: dict[str, _SchoolRow] = {}
        for row in self.table.rows():
            self.tally.rows_read += 1
            problem = self._fatal_problem(row, rows)
            if problem:
                self.tally.held += 1
                self.outcome.hold(self.table, row, [problem], imported=False)
            else:
                rows[row["URN"]] = self._parse(row)
        existing = School.objects.in_bulk(list(rows), field_name="urn")
        create, update, fields = [], [], set()
        for urn, school_row in rows.items():
            school = existing.get(urn)
            if school is None:
                create.append(School(**school_row.wanted))
                self.tally.created += 1
            elif changed := bulk_changes(school, school_row.wanted):
                update.append(school)
                fields.update(changed)
                self.tally.updated += 1
            else:
                self.tally.unchanged += 1
            if school_row.warnings:
                self.tally.imported_in_part += 1
                self.outcome.hold(self.table, school_row.row, school_row.warnings, imported=True)
        School.objects.bulk_create(create, batch_size=1000)
        if update:
            School.objects.bulk_update(update, sorted(fields), batch_size=500)

    def _fatal_problem(self, row: Row, rows: dict[str, _SchoolRow]) -> Problem | None:
        urn, la_code, status = row["URN"], row["LA (code)"], row["EstablishmentStatus (name)"]
        if row.wrong_width:
            return wrong_width_problem(row)
        if not URN_SHAPE.match(urn):
            return Problem("URN not valid", f"URN '{urn}' is not 6 digits")
        if urn in rows:
            return Problem(
                "School listed twice",
                f"URN {urn} is also on row {rows[urn].row.number}; only that row was imported",
            )
        if not row["EstablishmentName"]:
            return Problem("Missing name", "The school's name (EstablishmentName) is blank")
        if not (len(la_code) == 3 and la_code.isdigit()):
            return Problem("LA code not valid", f"LA code '{la_code}' is not 3 digits")
        if status not in OPEN_STATUSES | CLOSED_STATUSES:
            return Problem(
                "Unknown status", f"Establishment status '{status}' is not a GIAS status"
            )
        return None

    def _parse(self, row: Row) -> _SchoolRow:
        type_name, phase_name = row["TypeOfEstablishment (name)"], row["PhaseOfEducation (name)"]
        warnings = []
        phase = phase_of(type_name, phase_name)
        if phase is None:
            warnings.append(
                Problem(
                    "Unknown phase",
                    f"Phase of education '{phase_name}' is not a GIAS phase; the school was "
                    "imported with its phase as not applicable",
                )
            )
            phase = Phase.NOT_APPLICABLE
        number = row["EstablishmentNumber"]
        if number and not (len(number) == 4 and number.isdigit()):
            warnings.append(
                Problem(
                    "Establishment number not valid",
                    f"Establishment number '{number}' is not 4 digits; the school was imported "
                    "without it",
                )
            )
            number = ""
        wanted = {
            "urn": row["URN"],
            "la_code": row["LA (code)"],
            "la_name": row["LA (name)"][:100],
            "establishment_number": number,
            "name": row["EstablishmentName"][:200],
            "type_name": type_name[:100],
            "phase": phase,
            "postcode": _postcode(row["Postcode"]),
            "is_open": row["EstablishmentStatus (name)"] in OPEN_STATUSES,
        }
        return _SchoolRow(row, wanted, warnings)


def _postcode(value: str) -> str:
    compact = value.upper().replace(" ", "")
    if not 5 <= len(compact) <= 7:
        return compact[:8]
    return f"{compact[:-3]} {compact[-3:]}"
