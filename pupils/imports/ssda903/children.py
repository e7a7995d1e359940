"""Children from the SSDA903 header file (one row per child), matched by their social-care ID.

The extract has no names: those typed into a child's record are never blanked.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from pupils.codes import Ethnicity, Sex
from pupils.identifiers import normalise_upn, upn_problem
from pupils.imports.common import (
    Outcome,
    Problem,
    Row,
    Table,
    Tally,
    bulk_changes,
    long_date,
    parse_date,
    wrong_width_problem,
)
from pupils.models import Child

# "UPN unknown" reasons the header may carry instead of a UPN.
UPN_UNKNOWN = frozenset({"UN1", "UN2", "UN3", "UN4", "UN5"})
CHILD_ID_LENGTH = Child._meta.get_field("la_child_id").max_length
# Names are not in the extract: never blank one that was typed in; nor, since an extract is
# often less complete than the record, any other value the extract leaves blank.
KEEP_WHEN_BLANK = frozenset({"upn", "sex", "ethnicity"})
SEXES, ETHNICITIES = frozenset(Sex.values), frozenset(Ethnicity.values)


def hold(outcome, table, row, *problems: Problem, imported: bool = False) -> None:
    outcome.hold(table, row, list(problems), imported=imported)


@dataclass
class _ChildRow:
    row: Row
    la_child_id: str
    wanted: dict
    problems: list[Problem] = field(default_factory=list)


class ChildrenImport:
    """Create and update children from the header file; returns la_child_id -> child pk for
    every child the episodes may refer to."""

    def __init__(self, table: Table, outcome: Outcome, today: date):
        self.table, self.outcome, self.today = table, outcome, today
        self.tally = Tally(table.spec.label)
        outcome.tallies.append(self.tally)
        self.held_ids: dict[str, int] = {}  # child id -> row number of a header row held whole

    def apply(self) -> dict[str, int]:
        rows = self._parse_rows()
        existing = Child.objects.in_bulk([r.la_child_id for r in rows], field_name="la_child_id")
        self._drop_upns_in_use(rows)
        create, update, fields = [], [], set()
        for child_row in rows:
            child = existing.get(child_row.la_child_id)
            if child is None:
                create.append(Child(la_child_id=child_row.la_child_id, **child_row.wanted))
                self.tally.created += 1
            elif changed := bulk_changes(child, child_row.wanted, never_blank=KEEP_WHEN_BLANK):
                update.append(child)
                fields.update(changed)
                self.tally.updated += 1
            else:
                self.tally.unchanged += 1
            if child_row.problems:
                self.tally.imported_in_part += 1
                hold(self.outcome, self.table, child_row.row, *child_row.problems, imported=True)
        Child.objects.bulk_create(create, batch_size=1000)
        if update:
            now = timezone.now()
            for child in update:
                child.updated_at = now
            Child.objects.bulk_update(update, [*sorted(fields), "updated_at"], batch_size=500)
        return {child.la_child_id: child.pk for child in [*existing.values(), *create]}

    def _parse_rows(self) -> list[_ChildRow]:
        parsed: dict[str, _ChildRow] = {}
        for row in self.table.rows():
            self.tally.rows_read += 1
            child_row = self._parse(row, parsed)
            if child_row is not None:
                parsed[child_row.la_child_id] = child_row
        return list(parsed.values())

    def _parse(self, row: Row, parsed: dict[str, _ChildRow]) -> _ChildRow | None:
        fatal = self._fatal_problem(row, parsed)
        if fatal:
            self.tally.held += 1
            if row["CHILD"] and row["CHILD"] not in parsed:
                self.held_ids[row["CHILD"]] = row.number
            hold(self.outcome, self.table, row, fatal)
            return None
        child_row = _ChildRow(row, row["CHILD"], {"date_of_birth": parse_date(row["DOB"])})
        self._code(child_row, "sex", row["SEX"], SEXES, "Sex", "an SSDA903 code (1 or 2)")
        ethnicity = row["ETHNIC"].upper()
        self._code(child_row, "ethnicity", ethnicity, ETHNICITIES, "Ethnicity", "a DfE code")
        self._upn(child_row)
        return child_row

    def _fatal_problem(self, row: Row, parsed: dict[str, _ChildRow]) -> Problem | None:
        child_id, dob = row["CHILD"], parse_date(row["DOB"])
        if row.wrong_width:
            return wrong_width_problem(row)
        if not child_id:
            return Problem("Missing child ID", "The child ID (CHILD) is blank")
        if len(child_id) > CHILD_ID_LENGTH:
            return Problem(
                "Child ID too long", f"The child ID is longer than {CHILD_ID_LENGTH} characters"
            )
        if child_id in parsed:
            first = parsed[child_id].row.number
            return Problem(
                "Child listed twice",
                f"Child {child_id} is also on row {first}; only that row was imported",
            )
        if dob is None:
            return Problem(
                "Date not valid",
                f"Date of birth (DOB) '{row['DOB']}' is not a date in the form dd/mm/yyyy, "
                "so the child was not imported",
            )
        if dob > self.today:
            return Problem(
                "Date of birth in the future",
                f"Date of birth {long_date(dob)} is in the future, so the child was not imported",
            )
        return None

    def _code(self, child_row, name, value, allowed, label, what) -> None:
        if not value:
            child_row.wanted[name] = ""
        elif value in allowed:
            child_row.wanted[name] = value
        else:
            child_row.problems.append(
                Problem(
                    "Unknown code",
                    f"{label} '{value}' is not {what}; the child was imported without it",
                )
            )

    def _upn(self, child_row: _ChildRow) -> None:
        upn = normalise_upn(child_row.row["UPN"])
        if not upn or upn in UPN_UNKNOWN:
            child_row.wanted["upn"] = ""
            return
        problem = upn_problem(upn)
        if problem:
            child_row.problems.append(
                Problem("UPN not valid", f"{problem}; the child was imported without it")
            )
        else:
            child_row.wanted["upn"] = upn

    def _drop_upns_in_use(self, rows: list[_ChildRow]) -> None:
        """A UPN belongs to one child: one already recorded for another child, or given to an
        earlier child in the file, is not imported."""
        wanted = {r.wanted["upn"] for r in rows if r.wanted.get("upn")}
        owners = dict(Child.objects.filter(upn__in=wanted).values_list("upn", "la_child_id"))
        for child_row in rows:
            upn = child_row.wanted.get("upn")
            if not upn:
                continue
            owner = owners.setdefault(upn, child_row.la_child_id)
            if owner != child_row.la_child_id:
                del child_row.wanted["upn"]
                child_row.problems.append(
                    Problem(
                        "UPN used by another child",
                        f"UPN {upn} is already recorded for another child (child ID {owner}); "
                        "the child was imported without it",
                    )
                )
