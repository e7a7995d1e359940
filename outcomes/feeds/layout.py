"""Turning a supplier's file into our fields, whatever its layout.

The default layouts are those in welfare-call-feed.md; a saved FeedMapping renames columns,
sets the date format and says whether rows are days (AM and PM columns) or sessions.
"""

from dataclasses import dataclass

import pandas as pd

from outcomes.models import FeedKind, FeedLayout, FeedMapping
from pupils.imports.common import FileSpec, read_table

DEFAULT_COLUMNS: dict[str, dict[str, str]] = {
    FeedKind.ATTENDANCE: {
        "la_child_id": "LA Child ID",
        "upn": "UPN",
        "forename": "Forename",
        "surname": "Surname",
        "dob": "DOB",
        "urn": "School URN",
        "date": "Date",
        "am": "AM",
        "pm": "PM",
        "reason": "Absence Reason",
        "comments": "Comments",
    },
    FeedKind.EXCLUSIONS: {
        "la_child_id": "LA Child ID",
        "upn": "UPN",
        "urn": "School URN",
        "type": "Type",
        "start_date": "Start Date",
        "end_date": "End Date",
        "sessions": "Sessions",
        "reason_1": "Reason 1",
        "reason_2": "Reason 2",
        "reason_3": "Reason 3",
        "comments": "Comments",
    },
}
# For a one-row-per-session layout: the session column and the code column replace AM and PM.
SESSION_FIELDS = {"session": "Session", "code": "Code"}
REQUIRED: dict[str, tuple[str, ...]] = {
    FeedKind.ATTENDANCE: ("la_child_id", "urn", "date", "am", "pm"),
    FeedKind.EXCLUSIONS: ("la_child_id", "urn", "type", "start_date", "end_date", "sessions"),
}
_SESSION_REQUIRED = ("la_child_id", "urn", "date", "session", "code")


@dataclass(frozen=True)
class FeedColumns:
    kind: str
    headings: dict[str, str]  # our field → the file's heading
    date_format: str = "%d/%m/%Y"
    layout: str = FeedLayout.DAY_ROWS
    delimiter: str = ""  # blank: worked out from the file

    @classmethod
    def for_mapping(cls, kind: str, mapping: FeedMapping | None) -> "FeedColumns":
        if mapping is None:
            return cls(kind=kind, headings=DEFAULT_COLUMNS[kind])
        defaults = dict(DEFAULT_COLUMNS[kind])
        if mapping.layout == FeedLayout.SESSION_ROWS:
            defaults = {k: v for k, v in defaults.items() if k not in ("am", "pm")}
            defaults.update(SESSION_FIELDS)
        return cls(
            kind=kind,
            headings={**defaults, **mapping.columns},
            date_format=mapping.date_format,
            layout=mapping.layout,
            delimiter=mapping.delimiter,
        )

    @property
    def required(self) -> tuple[str, ...]:
        if self.layout == FeedLayout.SESSION_ROWS:
            return _SESSION_REQUIRED
        return REQUIRED[self.kind]

    def spec(self) -> FileSpec:
        required = tuple(self.headings[name] for name in self.required)
        optional = tuple(h for name, h in self.headings.items() if name not in self.required)
        return FileSpec(
            role=self.kind,
            label=self.kind,
            required=required,
            optional=optional,
            delimiter=self.delimiter,
        )


def read_feed(name: str, content: bytes, columns: FeedColumns) -> pd.DataFrame:
    """The file as a frame of our field names (missing optional fields blank), indexed by the
    file's row numbers (header = row 1), blank rows dropped. Raises UnreadableFile."""
    table = read_table(columns.spec(), name, content)
    frame = table.frame.rename(columns={h: f for f, h in columns.headings.items()})
    for field in columns.headings:
        if field not in frame.columns:
            frame[field] = ""
    frame.index = frame.index + 2
    if "_cells_in_row" in frame.columns:
        frame = frame.rename(columns={"_cells_in_row": "_wrong_width"})
    fields = [f for f in columns.headings if f in frame.columns]
    extra = [c for c in frame.columns if c.startswith("_")]
    frame = frame[fields + extra]
    frame = frame[(frame[fields] != "").any(axis=1) | (frame.get("_wrong_width", "") != "")]
    if columns.layout == FeedLayout.SESSION_ROWS:
        frame = _days_from_sessions(frame)
    return frame


def _days_from_sessions(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per session → one row per day, keeping the first row number of the day.
    Sessions are read as AM/PM, A/P, morning/afternoon or 1/2. A row whose session cannot be
    read, or rows giving different codes for one session, come back marked `_held` with the
    reason, so the rest of the file still goes in."""
    session = (
        frame["session"]
        .str.upper()
        .str[:1]
        .map({"A": "am", "M": "am", "1": "am", "P": "pm", "2": "pm"})
    )
    frame = frame.assign(_session=session).reset_index(names="_row")
    key = ["la_child_id", "upn", "urn", "date"]
    unreadable = frame["_session"].isna()
    codes = frame[~unreadable].groupby([*key, "_session"])["code"].transform("nunique")
    disagree = codes.gt(1).reindex(frame.index, fill_value=False)
    held = frame[unreadable | disagree].assign(am="", pm="")
    held["_held"] = (
        "Rows for the same child, day and session give different codes, so none of them "
        "was applied."
    )
    held.loc[unreadable, "_held"] = "Session '" + held["session"] + "' is not AM or PM."
    frame = frame[~(unreadable | disagree)]
    days = frame.pivot_table(
        index=key, columns="_session", values="code", aggfunc="first", fill_value=""
    ).reset_index()
    firsts = frame.groupby(key, as_index=False).agg(
        _row=("_row", "min"),
        reason=("reason", "first"),
        comments=("comments", "first"),
        forename=("forename", "first"),
        surname=("surname", "first"),
        dob=("dob", "first"),
    )
    days = days.merge(firsts, on=key)
    for name in ("am", "pm"):
        if name not in days.columns:
            days[name] = ""
    days = pd.concat([days.assign(_held=""), held[[*days.columns, "_held"]]])
    return days.set_index("_row").sort_index().rename_axis(None)
