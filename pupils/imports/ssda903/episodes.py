"""Care episodes from the SSDA903 episodes file (one row per episode), keyed by child and
start date. Episodes on record that are not in the file are left as they are: an extract may
cover only recent years.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from pupils.codes import (
    CategoryOfNeed,
    LegalStatus,
    PlacementProvider,
    PlacementType,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlacementChange,
)
from pupils.imports.common import (
    Outcome,
    Problem,
    Row,
    Table,
    Tally,
    bulk_changes,
    is_outward_code,
    long_date,
    parse_date,
    wrong_width_problem,
)
from pupils.imports.ssda903.children import hold
from pupils.models import CareEpisode, Child


def _codes_of(choices) -> frozenset[str]:
    return frozenset(choices.values)


# Column, model field, codes, what the column is called in a reason, whether it must be given.
CODED_COLUMNS = (
    ("RNE", "reason_new_episode", _codes_of(ReasonNewEpisode), "Reason for new episode", True),
    ("LS", "legal_status", _codes_of(LegalStatus), "Legal status", True),
    ("CIN", "category_of_need", _codes_of(CategoryOfNeed), "Category of need", True),
    ("PLACE", "placement_type", _codes_of(PlacementType), "Placement type", True),
    (
        "PLACE_PROVIDER",
        "placement_provider",
        _codes_of(PlacementProvider),
        "Placement provider",
        False,
    ),
    (
        "REASON_PLACE_CHANGE",
        "reason_placement_change",
        _codes_of(ReasonPlacementChange),
        "Reason for placement change",
        False,
    ),
)
REASONS_CEASED = _codes_of(ReasonEpisodeCeased)


@dataclass
class _EpisodeRow:
    row: Row
    child_pk: int
    wanted: dict
    warnings: list[Problem] = field(default_factory=list)

    @property
    def start(self) -> date:
        return self.wanted["start_date"]


@dataclass
class _Plan:
    """One child's episode changes, written together."""

    child_pk: int
    create: list[tuple[_EpisodeRow, CareEpisode]] = field(default_factory=list)
    update: list[tuple[_EpisodeRow, CareEpisode, list[str]]] = field(default_factory=list)
    unchanged: list[_EpisodeRow] = field(default_factory=list)


def _covers(start: date, end: date | None) -> tuple[date, date]:
    """The days an episode covers, [start, stop): it ceased on its end date. An episode that
    started and ceased on one day is taken to cover that day."""
    stop = end if end is not None and end > start else start + timedelta(days=1)
    return start, (date.max if end is None else stop)


def _overlap(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    (a_start, a_stop), (b_start, b_stop) = _covers(*a), _covers(*b)
    return a_start < b_stop and b_start < a_stop


def _dates(start: date, end: date | None) -> str:
    if end is None:
        return f"open from {long_date(start)}"
    return f"from {long_date(start)} to {long_date(end)}"


class EpisodesImport:
    def __init__(
        self,
        table: Table,
        outcome: Outcome,
        today: date,
        children: dict[str, int],
        header_held: dict[str, int],
    ):
        self.table, self.outcome, self.today = table, outcome, today
        self.children, self.header_held = children, header_held
        self.children_in_file = set(children.values())
        self.tally = Tally(table.spec.label)
        outcome.tallies.append(self.tally)

    def apply(self) -> set[int]:
        """Write the episodes; return the pks of the children they belong to."""
        rows = self._parse_rows()
        by_child: dict[int, list[_EpisodeRow]] = {}
        for episode_row in rows:
            by_child.setdefault(episode_row.child_pk, []).append(episode_row)
        on_record: dict[int, dict[date, CareEpisode]] = {pk: {} for pk in by_child}
        for episode in CareEpisode.objects.filter(child_id__in=by_child):
            on_record[episode.child_id][episode.start_date] = episode
        plans = [self._plan(pk, by_child[pk], on_record[pk]) for pk in by_child]
        self._write(plans)
        return set(by_child) | set(self.children_in_file)

    # Parsing

    def _parse_rows(self) -> list[_EpisodeRow]:
        self._resolve_children()
        parsed: dict[tuple[int, date], _EpisodeRow] = {}
        for row in self.table.rows():
            self.tally.rows_read += 1
            problems, episode_row = self._parse(row)
            key = episode_row and (episode_row.child_pk, episode_row.start)
            if not problems and key in parsed:
                problems = [self._duplicate(parsed[key])]
            if problems:
                self._held(row, problems)
            else:
                parsed[key] = episode_row
        return list(parsed.values())

    def _resolve_children(self) -> None:
        """Children named in the episodes but not in the header may already be on record."""
        ids = {row["CHILD"] for row in self.table.rows()} - set(self.children)
        on_record = Child.objects.filter(la_child_id__in=ids).values_list("la_child_id", "pk")
        self.children = self.children | dict(on_record)

    def _held(self, row: Row, problems: list[Problem]) -> None:
        self.tally.held += 1
        hold(self.outcome, self.table, row, *problems)

    def _duplicate(self, first: _EpisodeRow) -> Problem:
        return Problem(
            "Episode listed twice",
            f"This child has another episode starting {long_date(first.start)}, on row "
            f"{first.row.number}; only that row was imported",
        )

    def _parse(self, row: Row) -> tuple[list[Problem], _EpisodeRow | None]:
        if row.wrong_width:
            return [wrong_width_problem(row)], None
        problem = self._child_problem(row)
        if problem:
            return [problem], None
        wanted, problems = self._dates(row)
        problems += self._codes(row, wanted)
        if problems:
            return problems, None
        episode_row = _EpisodeRow(row, self.children[row["CHILD"]], wanted)
        self._placement_area(episode_row)
        return [], episode_row

    def _child_problem(self, row: Row) -> Problem | None:
        child_id = row["CHILD"]
        if child_id in self.children:
            return None
        if child_id in self.header_held:
            return Problem(
                "Child's header row held",
                f"The child's row in the header file (row {self.header_held[child_id]}) was "
                "held, so their episodes were not imported",
            )
        if not child_id:
            return Problem("Missing child ID", "The child ID (CHILD) is blank")
        return Problem(
            "Unknown child",
            f"Child {child_id} is not in the header file and is not already on record",
        )

    def _dates(self, row: Row) -> tuple[dict, list[Problem]]:
        start = self._date(row, "DECOM", "Date episode started")
        end = self._date(row, "DEC", "Date episode ceased") if row["DEC"] else None
        problems = [day for day in (start, end) if isinstance(day, Problem)]
        if problems:
            return {}, problems
        if end and end < start:
            problems.append(
                Problem(
                    "Episode ends before it starts",
                    f"The episode ceased on {long_date(end)}, before it started on "
                    f"{long_date(start)}",
                )
            )
        for label, day in (("started", start), ("ceased", end)):
            if day and day > self.today:
                problems.append(
                    Problem(
                        "Date in the future",
                        f"The episode {label} on {long_date(day)}, which is in the future",
                    )
                )
        return {"start_date": start, "end_date": end}, problems

    @staticmethod
    def _date(row: Row, column: str, label: str) -> date | Problem:
        day = parse_date(row[column])
        if day is None:
            return Problem(
                "Date not valid",
                f"{label} ({column}) '{row[column]}' is not a date in the form dd/mm/yyyy",
            )
        return day

    def _codes(self, row: Row, wanted: dict) -> list[Problem]:
        problems = []
        columns = self.table.columns
        for column, name, codes, label, required in CODED_COLUMNS:
            if column not in columns:
                continue
            value = row[column].upper()
            problem = self._code_problem(value, codes, label, column, required)
            if problem:
                problems.append(problem)
            wanted[name] = value
        # REC only means something once the episode has ceased: open episodes often carry a
        # placeholder reason.
        rec = row["REC"].upper() if row["DEC"] else ""
        if row["DEC"]:
            problem = self._code_problem(rec, REASONS_CEASED, "Reason episode ceased", "REC", True)
            if problem:
                problems.append(problem)
        wanted["reason_ceased"] = rec
        return problems

    @staticmethod
    def _code_problem(value, codes, label, column, required) -> Problem | None:
        if not value:
            if required:
                return Problem("Missing code", f"{label} ({column}) is blank")
            return None
        if value not in codes:
            return Problem("Unknown code", f"{label} '{value}' is not an SSDA903 code")
        return None

    def _placement_area(self, episode_row: _EpisodeRow) -> None:
        """The placement's postcode district and LA, if given well; a bad one is left out."""
        row, columns = episode_row.row, self.table.columns
        if "PL_POST" in columns:
            district = row["PL_POST"].upper()
            if not district or is_outward_code(district):
                episode_row.wanted["placement_postcode_district"] = district
            else:
                episode_row.warnings.append(
                    Problem(
                        "Placement postcode not valid",
                        "The placement postcode (PL_POST) is not a postcode; the episode was "
                        "imported without it",
                    )
                )
        if "PL_LA" in columns:
            code = row["PL_LA"]
            if not code or (len(code) == 3 and code.isdigit()):
                episode_row.wanted["placement_la_code"] = code
            else:
                episode_row.warnings.append(
                    Problem(
                        "Placement LA not valid",
                        f"Placement local authority (PL_LA) '{code}' is not a 3-digit LA code; "
                        "the episode was imported without it",
                    )
                )

    # Overlaps and writing

    def _plan(
        self, child_pk: int, rows: list[_EpisodeRow], on_record: dict[date, CareEpisode]
    ) -> _Plan:
        """Hold any episode that overlaps one already accepted (or on record and not in the
        file), naming the earlier one; plan the rest as creates and updates."""
        in_file = {episode_row.start for episode_row in rows}
        # (start, end, where) of the episodes that stand: those on record the file does not
        # mention, then each accepted row of the file.
        standing = [
            (e.start_date, e.end_date, "already on record")
            for start, e in on_record.items()
            if start not in in_file
        ]
        plan = _Plan(child_pk)
        for episode_row in sorted(rows, key=lambda r: r.start):
            span = (episode_row.start, episode_row.wanted["end_date"])
            clash = next((s for s in standing if _overlap(span, s[:2])), None)
            if clash:
                self._held(episode_row.row, [self._overlap_problem(span, clash)])
                kept = on_record.get(episode_row.start)
                if kept is not None:  # the version on record stays
                    standing.append((kept.start_date, kept.end_date, "already on record"))
                continue
            standing.append((*span, f"row {episode_row.row.number}"))
            self._plan_row(plan, episode_row, on_record.get(episode_row.start))
        return plan

    @staticmethod
    def _overlap_problem(span, clash) -> Problem:
        return Problem(
            "Overlapping episodes",
            f"This episode, {_dates(*span)}, overlaps the child's episode {_dates(*clash[:2])} "
            f"({clash[2]}), so it was not imported",
        )

    @staticmethod
    def _plan_row(plan: _Plan, episode_row: _EpisodeRow, existing: CareEpisode | None) -> None:
        if existing is None:
            episode = CareEpisode(child_id=plan.child_pk, **episode_row.wanted)
            plan.create.append((episode_row, episode))
        elif changed := bulk_changes(existing, episode_row.wanted):
            plan.update.append((episode_row, existing, changed))
        else:
            plan.unchanged.append(episode_row)

    def _write(self, plans: list[_Plan]) -> None:
        """All plans in bulk. The overlap checks above should make the database's own
        constraint unreachable; if it is reached even so, write child by child and hold the
        rows of any child whose episodes the database refuses, rather than fail the import."""
        try:
            with transaction.atomic():
                self._write_plans(plans)
        except IntegrityError:
            for plan in plans:
                for _, episode in plan.create:
                    episode.pk = None  # it may have been given one by the failed attempt
                try:
                    with transaction.atomic():
                        self._write_plans([plan])
                except IntegrityError:
                    self._refused(plan)
                    plan.create, plan.update = [], []
        for plan in plans:
            self._tally(plan)

    @staticmethod
    def _write_plans(plans: list[_Plan]) -> None:
        updates = [episode for plan in plans for _, episode, _ in plan.update]
        fields = sorted({name for plan in plans for *_, changed in plan.update for name in changed})
        if updates:
            CareEpisode.objects.bulk_update(updates, fields, batch_size=500)
        creates = [episode for plan in plans for _, episode in plan.create]
        CareEpisode.objects.bulk_create(creates, batch_size=1000)

    def _refused(self, plan: _Plan) -> None:
        for episode_row, *_ in [*plan.create, *plan.update]:
            self._held(
                episode_row.row,
                [
                    Problem(
                        "Overlapping episodes",
                        "The database refused this child's episodes as overlapping an episode "
                        "on record, so none of their changes were imported",
                    )
                ],
            )

    def _tally(self, plan: _Plan) -> None:
        self.tally.created += len(plan.create)
        self.tally.updated += len(plan.update)
        self.tally.unchanged += len(plan.unchanged)
        for episode_row in [r for r, *_ in plan.create + plan.update] + plan.unchanged:
            if episode_row.warnings:
                self.tally.imported_in_part += 1
                hold(
                    self.outcome, self.table, episode_row.row, *episode_row.warnings, imported=True
                )
