"""Reading uploaded CSV files and keeping account of what an import did, row by row.

Files from councils' systems and from GIAS are messy: a byte-order mark, Windows-1252 text
(GIAS), blank lines, spaces around values, a stray extra cell. They are read with pandas as
text only (`dtype=str, keep_default_na=False`), so codes and UPNs never become numbers or NaN.
A file that cannot be read at all, or lacks a column the import needs, is refused whole;
otherwise each bad row is held with a reason and the good rows go in.
"""

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import pandas as pd

from vschool.dates import long_date  # noqa: F401  (re-exported for the import modules)

# A row pandas could not fit to the header (more cells than columns) is replaced by a marker
# row, so that it keeps its place (and row number) and can be held with a reason; the number of
# cells it had is kept in an extra column, which the stored copy of the file keeps too.
_BAD_ROW_PREFIX = "\x00bad row:"
WIDTH_COLUMN = "_cells_in_row"


class UnreadableFile(Exception):
    """The whole file is refused; the message says why in plain English."""


@dataclass(frozen=True)
class FileSpec:
    """One file of an import: its role, the columns it must have and those it may have."""

    role: str
    label: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    upper_case_headers: bool = False
    delimiter: str = ""  # blank: worked out from the header row

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass
class Row:
    number: int  # as a spreadsheet shows it: the header is row 1
    values: dict[str, str]
    wrong_width: tuple[int, int] | None = None  # (cells, columns) of a row that did not fit

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class Table:
    spec: FileSpec
    name: str
    frame: pd.DataFrame

    @cached_property
    def columns(self) -> list[str]:
        return [column for column in self.frame.columns if column != WIDTH_COLUMN]

    def rows(self) -> list[Row]:
        """The data rows, skipping blank ones (their numbers are not reused)."""
        return self._rows

    @cached_property
    def _rows(self) -> list[Row]:
        names = list(self.frame.columns)
        # Plain Python strings: iterating pandas' Arrow-backed strings row by row is slow.
        values = self.frame.astype(object).to_numpy().tolist()
        rows = []
        for index, cells in zip(self.frame.index, values, strict=True):
            record = dict(zip(names, cells, strict=True))
            width = record.pop(WIDTH_COLUMN, "")
            if width:
                cells_in_row, columns = (int(number) for number in width.split("/"))
                rows.append(Row(int(index) + 2, {}, wrong_width=(cells_in_row, columns)))
            elif any(record.values()):
                rows.append(Row(int(index) + 2, record))
        return rows

    def to_csv_bytes(self) -> bytes:
        """The table as UTF-8 CSV: what is kept between the preview and the import. Blank rows
        are kept so that row numbers stay those of the uploaded file."""
        return self.frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


# --- Reading ---------------------------------------------------------------------------------


def sha256_of(*contents: bytes) -> str:
    digest = hashlib.sha256()
    for content in contents:
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def decode(content: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252, as GIAS files are, else
    Latin-1, which reads any byte."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _looks_binary(content: bytes) -> bool:
    # Spreadsheets (.xlsx is a zip), PDFs and images all carry NUL bytes or a zip signature.
    return b"\x00" in content[:8192] or content.startswith(b"PK\x03\x04")


def _delimiter(text: str) -> str:
    """Comma, semicolon, tab or bar, whichever the header row uses (comma if unsure): a file
    saved from a spreadsheet set up for another country often uses semicolons."""
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _parse(text: str, *, width_checked: bool, sep: str = ",") -> pd.DataFrame:
    options = {"dtype": str, "keep_default_na": False, "skip_blank_lines": False, "sep": sep}
    if not width_checked:
        return pd.read_csv(io.StringIO(text), **options)

    columns = len(next(csv.reader(io.StringIO(text), delimiter=sep), []))

    def fit(cells: list[str]) -> list[str]:
        # Trailing empty cells (a spreadsheet's stray commas) are harmless; real extra data is not.
        if not any(cell.strip() for cell in cells[columns:]):
            return cells[:columns]
        return [f"{_BAD_ROW_PREFIX}{len(cells)}/{columns}"] + [""] * (columns - 1)

    return pd.read_csv(io.StringIO(text), engine="python", on_bad_lines=fit, **options)


def read_table(spec: FileSpec, name: str, content: bytes) -> Table:
    """Read one uploaded file, or raise UnreadableFile saying what is wrong with it."""
    if not content.strip():
        raise UnreadableFile(f"{name} is empty")
    if _looks_binary(content):
        raise UnreadableFile(f"{name} must be a CSV file (save it from the spreadsheet as CSV)")
    text = decode(content)
    sep = spec.delimiter or _delimiter(text)
    try:
        try:
            frame = _parse(text, width_checked=False, sep=sep)
        except pd.errors.ParserError:
            # Some row has more cells than the header: read again more slowly, marking it.
            frame = _parse(text, width_checked=True, sep=sep)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as error:
        raise UnreadableFile(f"{name} could not be read as a CSV file") from error

    frame = _mark_wrong_width(frame.fillna(""))
    frame.columns = [_header(column, spec) for column in frame.columns]
    missing = [column for column in spec.required if column not in frame.columns]
    if missing:
        raise UnreadableFile(f"{name} is missing the {_columns_phrase(missing)}")
    kept = [column for column in (*spec.columns, WIDTH_COLUMN) if column in frame.columns]
    frame = frame[kept].apply(lambda column: column.str.strip())
    if frame.empty or not (frame != "").any(axis=None):
        raise UnreadableFile(f"{name} has column headings but no rows")
    return Table(spec=spec, name=name, frame=frame)


def _mark_wrong_width(frame: pd.DataFrame) -> pd.DataFrame:
    first = frame.columns[0]
    marked = frame[first].str.startswith(_BAD_ROW_PREFIX)
    if WIDTH_COLUMN in frame.columns or not marked.any():
        return frame
    frame = frame.copy()
    frame[WIDTH_COLUMN] = ""
    frame.loc[marked, WIDTH_COLUMN] = frame.loc[marked, first].str.removeprefix(_BAD_ROW_PREFIX)
    frame.loc[marked, first] = ""
    return frame


def _header(column: object, spec: FileSpec) -> str:
    # A byte-order mark survives decoding as Windows-1252 as these three characters.
    cleaned = str(column).strip().removeprefix("\ufeff").removeprefix("ï»¿").strip()
    if spec.upper_case_headers and cleaned != WIDTH_COLUMN:
        return cleaned.upper()
    return cleaned


def _columns_phrase(columns: list[str]) -> str:
    if len(columns) == 1:
        return f"column {columns[0]}"
    return f"columns {', '.join(columns[:-1])} and {columns[-1]}"


# --- Values ----------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$|^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(value: str) -> date | None:
    """A date as an extract writes it (dd/mm/yyyy, or ISO from some systems); None if it is
    not a real date."""
    match = _DATE.match(value)
    if match is None:
        return None
    day, month, year, iso_year, iso_month, iso_day = match.groups()
    try:
        if year:
            return date(int(year), int(month), int(day))
        return date(int(iso_year), int(iso_month), int(iso_day))
    except ValueError:
        return None


_OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")


def is_outward_code(value: str) -> bool:
    return bool(_OUTWARD_CODE.match(value))


# --- What happened: counts and held rows -------------------------------------------------------


def wrong_width_problem(row: Row) -> "Problem":
    cells, columns = row.wrong_width
    return Problem(
        "Row could not be read",
        f"This row has {cells} cells but the file has {columns} columns, so it could not be read",
    )


@dataclass
class Problem:
    kind: str  # a short label for the summary table, e.g. "Unknown code"
    sentence: str  # the plain-English reason shown against the row


@dataclass
class HeldRecord:
    file_name: str
    row: Row
    problems: list[Problem]
    imported: bool  # True when the row went in without the value that was wrong

    @property
    def reason(self) -> str:
        return " ".join(_sentence(problem.sentence) for problem in self.problems)


def _sentence(text: str) -> str:
    return text if text.endswith(".") else f"{text}."


@dataclass
class Tally:
    """What one file (or derived record type) did."""

    label: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    held: int = 0  # rows not imported at all
    imported_in_part: int = 0  # rows imported without a value that was wrong

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "held": self.held,
            "imported_in_part": self.imported_in_part,
        }


@dataclass
class Outcome:
    """The result of applying an import: per-file tallies, the held rows, and notes."""

    tallies: list[Tally] = field(default_factory=list)
    held: list[HeldRecord] = field(default_factory=list)
    derived: list[list] = field(default_factory=list)  # [label, count] pairs

    def hold(self, table: Table, row: Row, problems: list[Problem], *, imported: bool) -> None:
        self.held.append(HeldRecord(table.name, row, problems, imported))

    def counts(self) -> dict:
        """Stored on ImportRun.counts: the totals the list page shows, then the detail. (Lists
        of pairs, not dicts, where order matters: the database re-orders a JSON object's keys.)"""
        totals = Counter()
        for tally in self.tallies:
            totals.update({k: v for k, v in tally.as_dict().items() if k != "label"})
        problems = Counter(
            problem.kind for record in self.held for problem in _distinct_kinds(record)
        )
        return {
            **{key: totals[key] for key in _TOTAL_KEYS},
            "rows_with_problems": len(self.held),
            "files": [tally.as_dict() for tally in self.tallies],
            "problems": [[kind, count] for kind, count in problems.most_common()],
            "derived": self.derived,
        }


_TOTAL_KEYS = ("rows_read", "created", "updated", "unchanged", "held", "imported_in_part")


def _distinct_kinds(record: HeldRecord) -> list[Problem]:
    seen: dict[str, Problem] = {}
    for problem in record.problems:
        seen.setdefault(problem.kind, problem)
    return list(seen.values())


def bulk_changes(
    existing: object, wanted: dict[str, object], *, never_blank: frozenset[str] = frozenset()
) -> list[str]:
    """Set on `existing` the wanted values that differ; return the names of changed fields.
    A blank in `never_blank` never overwrites a value already on record."""
    changed = []
    for name, value in wanted.items():
        if name in never_blank and value in ("", None):
            continue
        if getattr(existing, name) != value:
            setattr(existing, name, value)
            changed.append(name)
    return changed


# --- Exporting held rows -------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A cell a spreadsheet will show as text: a value from an uploaded file that starts like a
    formula is prefixed with a quote, so it is never re-exported live (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def ordered_columns(data: dict, preferred: Iterable[str]) -> list[str]:
    """A held row's columns in the file's order (the database keeps JSON keys in its own)."""
    preferred = [column for column in preferred if column in data]
    return preferred + [column for column in data if column not in preferred]


def write_held_rows_csv(
    out, held_rows: Callable[[], Iterator], preferred: Iterable[str] = ()
) -> None:
    """Columns: file, row, reason, then every column any held row had, in file order."""
    seen: dict[str, None] = {}
    for held in held_rows():
        seen.update(dict.fromkeys(held.data))
    columns = ordered_columns(seen, preferred)
    writer = csv.writer(out)
    writer.writerow(["file", "row", "reason", *columns])
    for held in held_rows():
        cells = [held.file_name, held.row_number, held.reason]
        cells += [held.data.get(column, "") for column in columns]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
