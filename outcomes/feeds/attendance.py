"""Applying a Welfare Call daily attendance file: read, validate, match children, write.

Validation is done on whole columns with pandas, and new marks are written with COPY, so a
year's file for a large authority (380,000 rows, 760,000 marks) loads in seconds. Each row
is a child's AM and PM marks for one school day (welfare-call-feed.md); a row that cannot be
applied is held with a plain-English reason and every other row goes in.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection
from django.utils import timezone

from outcomes.codes import attendance_codes
from outcomes.feeds.layout import FeedColumns
from outcomes.models import FeedChildAlias
from pupils.models import Child, Enrolment, School
from vschool import dates

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_COLUMNS = ["child_id", "date", "school_id", "am", "pm", "reason", "comments"]


@dataclass
class AttendanceResult:
    rows_read: int = 0
    marks_created: int = 0
    marks_updated: int = 0
    marks_unchanged: int = 0
    held: list[dict] = field(default_factory=list)  # {"row", "data", "reason", "unmatched"}
    warnings: list[dict] = field(default_factory=list)  # applied, but worth a look
    children: set[int] = field(default_factory=set)  # children whose marks changed

    def counts(self) -> dict:
        return {
            "rows_read": self.rows_read,
            "marks_created": self.marks_created,
            "marks_updated": self.marks_updated,
            "marks_unchanged": self.marks_unchanged,
            "rows_held": len(self.held),
            "unmatched": sum(1 for held in self.held if held["unmatched"]),
            "warnings": len(self.warnings),
        }


Reasons = str | Callable[[pd.Series], pd.Series]


class _Checks:
    """The first problem found for each row wins; later checks skip held rows."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.reason = pd.Series("", index=frame.index, dtype=object)
        self.unmatched = pd.Series(False, index=frame.index)
        self.ok = pd.Series(True, index=frame.index)

    def hold(self, mask: pd.Series, reasons: Reasons, *, unmatched: bool = False):
        """Hold the rows in `mask` not already held. `reasons` is a message, or a function
        making the messages for just those rows (most rows are good: build no text for them)."""
        mask = mask.fillna(False).astype(bool) & self.ok
        if not mask.any():
            return
        self.reason[mask] = reasons if isinstance(reasons, str) else reasons(mask)
        self.ok &= ~mask
        if unmatched:
            self.unmatched[mask] = True


def apply_attendance(
    frame: pd.DataFrame,
    *,
    columns: FeedColumns,
    import_id: int | None,
    write: bool = True,
    child_ids: pd.Series | None = None,
) -> AttendanceResult:
    """Validate a day-layout frame (our field names, text values) and write the good rows.
    `frame` keeps the file's row numbers as its index (header = row 1). `child_ids` skips
    matching: a caseworker has said which child held rows belong to."""
    result = AttendanceResult(rows_read=len(frame))
    checks = _Checks(frame)
    if "_wrong_width" in frame.columns:
        checks.hold(
            frame["_wrong_width"] != "",
            lambda rows: (
                "The row has "
                + frame["_wrong_width"][rows]
                + " cells, more than the file has columns."
            ),
        )
    if "_held" in frame.columns:
        checks.hold(frame["_held"] != "", lambda rows: frame["_held"][rows])
    day = _check_dates(frame, checks, columns.date_format)
    _check_codes(frame, checks, day)
    school_id = _check_schools(frame, checks)
    child_id = _match_children(frame, checks) if child_ids is None else child_ids
    good = pd.DataFrame(
        {
            "child_id": child_id,
            "date": day,
            "school_id": school_id,
            "am": frame["am"],
            "pm": frame["pm"],
            "reason": frame["reason"],
            "comments": frame["comments"],
        }
    )[checks.ok]
    good = _drop_repeats(good, checks)
    result.held = _held_rows(frame, checks)
    result.warnings = _warnings(frame, good)
    if not good.empty:
        _write(good, result, import_id=import_id, write=write)
    return result


def _check_dates(frame: pd.DataFrame, checks: _Checks, date_format: str) -> pd.Series:
    parsed = pd.to_datetime(frame["date"], format=date_format, errors="coerce")
    written = date_format.replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy")

    def said(rows: pd.Series) -> pd.Series:
        return parsed[rows].dt.strftime("%-d %B %Y")

    checks.hold(
        parsed.isna(),
        lambda rows: "Date '" + frame["date"][rows] + f"' is not a date written as {written}.",
    )
    weekday = parsed.dt.day_of_week
    checks.hold(
        weekday >= 5,
        lambda rows: (
            said(rows)
            + " is a "
            + weekday[rows].map(lambda number: WEEKDAYS[int(number)])
            + ", not a school day."
        ),
    )
    today = timezone.localdate()
    earliest = pd.Timestamp(dates.academic_year_start(dates.academic_year_of(today) - 1))
    checks.hold(parsed > pd.Timestamp(today), lambda rows: said(rows) + " is in the future.")
    checks.hold(
        parsed < earliest,
        lambda rows: (
            said(rows)
            + f" is before the {dates.academic_year_label(earliest.year)} academic year: "
            "attendance is accepted for this academic year and the last."
        ),
    )
    return parsed


def _check_codes(frame: pd.DataFrame, checks: _Checks, day: pd.Series) -> None:
    codes = attendance_codes()
    both_blank = (frame["am"] == "") & (frame["pm"] == "")
    checks.hold(both_blank, "There is no AM or PM mark.")
    starts = {c.code: pd.Timestamp(c.valid_from) for c in codes.values() if c.valid_from}
    ends = {c.code: pd.Timestamp(c.valid_to) for c in codes.values() if c.valid_to}
    for session, label in (("am", "AM"), ("pm", "PM")):
        given = frame[session]

        def quoted(rows: pd.Series, given=given, label=label) -> pd.Series:
            return f"{label} code '" + given[rows] + "'"

        unknown = (given != "") & ~given.isin(list(codes))
        checks.hold(unknown, lambda rows, q=quoted: q(rows) + " is not a DfE attendance code.")
        # Only a few codes have dates; compare just the rows that use them.
        for code, start in starts.items():
            checks.hold(
                (given == code) & (day < start),
                lambda rows, q=quoted, s=start: q(rows) + f" was not in use before {s:%-d %B %Y}.",
            )
        for code, end in ends.items():
            checks.hold(
                (given == code) & (day > end),
                lambda rows, q=quoted, e=end: q(rows) + f" was withdrawn on {e:%-d %B %Y}.",
            )


def _check_schools(frame: pd.DataFrame, checks: _Checks) -> pd.Series:
    urns = frame["urn"].unique().tolist()
    known = dict(School.objects.filter(urn__in=urns).values_list("urn", "id"))
    school_id = _lookup(frame["urn"], known)
    checks.hold(
        school_id.isna(),
        lambda rows: "School URN '" + frame["urn"][rows] + "' is not in the register of schools.",
    )
    return school_id


def _lookup(values: pd.Series, known: dict) -> pd.Series:
    """Map a column with few distinct values (a few thousand children or schools in hundreds
    of thousands of rows) through a dict, working on the distinct values only."""
    categories = values.astype("category")
    mapped = categories.cat.categories.map(lambda value: known.get(value, float("nan")))
    return pd.Series(mapped.take(categories.cat.codes), index=values.index, dtype="float64")


def _match_children(frame: pd.DataFrame, checks: _Checks) -> pd.Series:
    """By the LA child ID first, then by the UPN; a row for neither is held as unmatched so a
    caseworker can link it to a child."""
    ids = frame["la_child_id"].unique().tolist()
    by_la_id = dict(
        FeedChildAlias.objects.filter(feed_child_id__in=ids).values_list("feed_child_id", "child")
    )
    by_la_id.update(Child.objects.filter(la_child_id__in=ids).values_list("la_child_id", "id"))
    upns = [upn for upn in frame["upn"].unique().tolist() if upn]
    by_upn = dict(Child.objects.filter(upn__in=upns).values_list("upn", "id"))
    child_id = _lookup(frame["la_child_id"], by_la_id).fillna(_lookup(frame["upn"], by_upn))
    checks.hold(
        child_id.isna(),
        lambda rows: (
            "No child on record has LA child ID '"
            + frame["la_child_id"][rows]
            + "'"
            + frame["upn"][rows].map(lambda upn: f" or UPN {upn}" if upn else "")
            + "."
        ),
        unmatched=True,
    )
    return child_id


def _drop_repeats(good: pd.DataFrame, checks: _Checks) -> pd.DataFrame:
    """The same child and day twice: identical rows are kept once; rows that disagree are all
    held, since the file does not say which is right."""
    key = ["child_id", "date"]
    repeated = good[good.duplicated(key, keep=False)]
    if repeated.empty:
        return good
    rows = pd.Series(repeated.index, index=repeated.index)
    groups = [repeated[column] for column in key]
    first = rows.groupby(groups).transform("min")
    listed = rows.astype(str).groupby(groups).transform(", ".join)
    fields = ["am", "pm", "school_id", "reason", "comments"]
    conflicting = repeated.groupby(key)[fields].transform("nunique").max(axis=1) > 1
    messages = pd.Series("Repeats row " + first.astype(str) + ".", index=repeated.index)
    messages[conflicting] = (
        "Rows " + listed[conflicting] + " give different marks for the same child and day, "
        "so none of them was applied."
    )
    held = repeated.index[conflicting | (first != rows)]
    checks.hold(
        pd.Series(checks.frame.index.isin(held), index=checks.frame.index),
        lambda mask: messages.reindex(mask[mask].index),
    )
    return good[~good.index.isin(held)]


def _held_rows(frame: pd.DataFrame, checks: _Checks) -> list[dict]:
    held = frame[~checks.ok]
    data = held.drop(columns=[c for c in held.columns if c.startswith("_")], errors="ignore")
    return [
        {
            "row": int(row),
            "data": record,
            "reason": checks.reason[row],
            "unmatched": bool(checks.unmatched[row]),
        }
        for row, record in zip(held.index, data.to_dict("records"), strict=True)
    ]


def _warnings(frame: pd.DataFrame, good: pd.DataFrame) -> list[dict]:
    """Applied rows worth a look: the child is not on that school's roll that day in our
    records (the enrolment may need updating)."""
    if good.empty:
        return []
    spells = pd.DataFrame.from_records(
        Enrolment.objects.filter(child_id__in=good["child_id"].unique().tolist()).values_list(
            "child_id", "school_id", "start_date", "end_date"
        ),
        columns=["child_id", "school_id", "start_date", "end_date"],
    )
    rows = good[["child_id", "school_id", "date"]].reset_index(names="row")
    joined = rows.merge(spells, on=["child_id", "school_id"], how="left")
    start, end = pd.to_datetime(joined["start_date"]), pd.to_datetime(joined["end_date"])
    within = (start <= joined["date"]) & (end.isna() | (joined["date"] <= end))
    on_roll = within.groupby(joined["row"]).any()
    off_roll = on_roll[~on_roll].index
    return [
        {
            "row": int(row),
            "warning": "The child is not on this school's roll on that date in "
            "our records: the marks were applied; check the child's enrolments.",
        }
        for row in off_roll[:500]
    ] + (
        [{"row": None, "warning": f"… and {len(off_roll) - 500} more rows like these."}]
        if len(off_roll) > 500
        else []
    )


# --- Writing -----------------------------------------------------------------------------------


def _existing(good: pd.DataFrame) -> pd.DataFrame:
    """The marks already held for these children over the file's dates, read with COPY."""
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        query = cursor.mogrify(
            "SELECT child_id, date, school_id, am, pm, reason, comments"
            " FROM outcomes_attendanceday"
            " WHERE child_id = ANY(%s) AND date BETWEEN %s AND %s",
            [
                good["child_id"].unique().tolist(),
                good["date"].min().date(),
                good["date"].max().date(),
            ],
        ).decode()
        cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    old = pd.read_csv(
        buffer,
        names=_DAY_COLUMNS,
        header=None,
        keep_default_na=False,
        dtype={
            "child_id": "int64",
            "school_id": "int64",
            "am": str,
            "pm": str,
            "reason": str,
            "comments": str,
            "date": str,
        },
    )
    return old.assign(date=pd.to_datetime(old["date"], format="%Y-%m-%d"))


def _write(good: pd.DataFrame, result: AttendanceResult, *, import_id: int | None, write: bool):
    good = good.astype({"child_id": "int64", "school_id": "int64"})
    old = _existing(good)
    merged = good.merge(old, on=["child_id", "date"], how="left", suffixes=("", "_old"))
    is_new = merged["am_old"].isna()
    new_rows = merged[is_new]
    result.marks_created += int((new_rows["am"] != "").sum() + (new_rows["pm"] != "").sum())

    seen = merged[~is_new].copy()
    for session in ("am", "pm"):
        given = seen[session] != ""
        before = seen[f"{session}_old"]
        result.marks_created += int((given & (before == "")).sum())
        result.marks_updated += int((given & (before != "") & (seen[session] != before)).sum())
        result.marks_unchanged += int((given & (seen[session] == before)).sum())
        # A blank in a later file means "not collected", so it never erases a mark.
        seen[session] = seen[session].where(given, before)
    for text in ("reason", "comments"):
        seen[text] = seen[text].where(seen[text] != "", seen[f"{text}_old"])
    changed = seen[
        (seen["am"] != seen["am_old"])
        | (seen["pm"] != seen["pm_old"])
        | (seen["reason"] != seen["reason_old"])
        | (seen["comments"] != seen["comments_old"])
        | (seen["school_id"] != seen["school_id_old"])
    ]
    result.children = set(new_rows["child_id"].tolist()) | set(changed["child_id"].tolist())
    if write:
        _copy_new(new_rows[_DAY_COLUMNS], import_id)
        _update_changed(changed[_DAY_COLUMNS], import_id)


def _csv(frame: pd.DataFrame, import_id: int | None) -> io.BytesIO:
    """The rows as CSV for COPY, written by Arrow's CSV writer (several times faster than
    pandas'); an empty cell is NULL only for the import id, see _COPY_OPTIONS."""
    table = pa.Table.from_pandas(
        frame.assign(date=frame["date"].dt.date, source_import_id=import_id), preserve_index=False
    )
    buffer = io.BytesIO()
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(include_header=False))
    buffer.seek(0)
    return buffer


_COPY_OPTIONS = "(FORMAT csv, FORCE_NOT_NULL (am, pm, reason, comments))"
_COPY_COLUMNS = "child_id, date, school_id, am, pm, reason, comments, source_import_id"


def _copy_new(rows: pd.DataFrame, import_id: int | None) -> None:
    """COPY straight into the table, in key order: the fastest way to load that keeps the
    primary key and the foreign key to the child checked by the database."""
    if rows.empty:
        return
    rows = rows.sort_values(["child_id", "date"])
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY outcomes_attendanceday ({_COPY_COLUMNS}) FROM STDIN WITH {_COPY_OPTIONS}",
            _csv(rows, import_id),
        )


def _update_changed(rows: pd.DataFrame, import_id: int | None) -> None:
    if rows.empty:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE attendance_changes"
            " (LIKE outcomes_attendanceday INCLUDING DEFAULTS)"
        )
        cursor.copy_expert(
            f"COPY attendance_changes ({_COPY_COLUMNS}) FROM STDIN WITH {_COPY_OPTIONS}",
            _csv(rows.sort_values(["child_id", "date"]), import_id),
        )
        cursor.execute(
            "UPDATE outcomes_attendanceday AS day SET school_id = c.school_id, am = c.am,"
            " pm = c.pm, reason = c.reason, comments = c.comments,"
            " source_import_id = c.source_import_id"
            " FROM attendance_changes AS c WHERE day.child_id = c.child_id AND day.date = c.date"
        )
        cursor.execute("DROP TABLE attendance_changes")
