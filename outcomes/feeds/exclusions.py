"""Applying a Welfare Call suspensions and exclusions file. Files are small (a handful of rows
a day), so rows are checked one by one and written through the ORM."""

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from outcomes.codes import exclusion_reasons
from outcomes.feeds.layout import FeedColumns
from outcomes.models import ExclusionType, FeedChildAlias, Suspension
from pupils.imports.common import long_date, parse_date
from pupils.models import Child, School


@dataclass
class ExclusionsResult:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    held: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    children: set[int] = field(default_factory=set)

    def counts(self) -> dict:
        return {
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rows_held": len(self.held),
            "unmatched": sum(1 for held in self.held if held["unmatched"]),
            "warnings": len(self.warnings),
        }


class _Held(Exception):
    def __init__(self, reason: str, *, unmatched: bool = False):
        super().__init__(reason)
        self.unmatched = unmatched


def apply_exclusions(
    frame: pd.DataFrame,
    *,
    columns: FeedColumns,
    import_id: int | None,
    write: bool = True,
    child_ids: pd.Series | None = None,
) -> ExclusionsResult:
    result = ExclusionsResult(rows_read=len(frame))
    schools = dict(
        School.objects.filter(urn__in=frame["urn"].unique().tolist()).values_list("urn", "id")
    )
    seen: dict[tuple, int] = {}
    for row, record in zip(frame.index, frame.to_dict("records"), strict=True):
        try:
            child_id = int(child_ids[row]) if child_ids is not None else _child(record)
            wanted = _suspension(record, schools, columns.date_format)
            key = (child_id, wanted["school_id"], wanted["kind"], wanted["start_date"])
            if key in seen:
                raise _Held(
                    f"Row {seen[key]} is for the same suspension (child, school, type and first "
                    "day): only that row was applied."
                )
            seen[key] = int(row)
        except _Held as held:
            data = {k: v for k, v in record.items() if not k.startswith("_")}
            result.held.append(
                {"row": int(row), "data": data, "reason": str(held), "unmatched": held.unmatched}
            )
            continue
        _save(child_id, wanted, result, import_id=import_id, write=write)
    return result


def _child(record: dict) -> int:
    child = Child.objects.filter(la_child_id=record["la_child_id"]).first()
    alias = FeedChildAlias.objects.filter(feed_child_id=record["la_child_id"]).first()
    if child is None and alias is not None:
        return alias.child_id
    if child is None and record.get("upn"):
        child = Child.objects.filter(upn=record["upn"]).first()
    if child is None:
        upn = f" or UPN {record['upn']}" if record.get("upn") else ""
        raise _Held(
            f"No child on record has LA child ID '{record['la_child_id']}'{upn}.", unmatched=True
        )
    return child.pk


def _date(record: dict, name: str, label: str, date_format: str) -> date:
    value = record[name]
    try:
        return pd.to_datetime(value, format=date_format).date()
    except (ValueError, TypeError):
        parsed = parse_date(value)
        if parsed is None:
            raise _Held(f"{label} '{value}' is not a date.") from None
        return parsed


def _suspension(record: dict, schools: dict, date_format: str) -> dict:
    if record.get("_wrong_width"):
        raise _Held(f"The row has {record['_wrong_width']} cells, more than the file's columns.")
    if record["type"] not in ExclusionType.values:
        raise _Held(f"Type '{record['type']}' is not SUSP, PERM or LNCH.")
    start = _date(record, "start_date", "Start date", date_format)
    end = _date(record, "end_date", "End date", date_format)
    if end < start:
        raise _Held(f"It ends ({long_date(end)}) before it starts ({long_date(start)}).")
    if start.weekday() >= 5:
        raise _Held(f"It starts on {long_date(start)}, which is not a school day.")
    if not record["sessions"].isdigit() or int(record["sessions"]) == 0:
        raise _Held(f"Sessions '{record['sessions']}' is not a whole number of sessions.")
    school_id = schools.get(record["urn"])
    if school_id is None:
        raise _Held(f"School URN '{record['urn']}' is not in the register of schools.")
    return {
        "school_id": school_id,
        "kind": record["type"],
        "start_date": start,
        "end_date": end,
        "sessions_lost": int(record["sessions"]),
        "reasons": _reasons(record, start),
        "comments": record.get("comments", ""),
    }


def _reasons(record: dict, start: date) -> list[str]:
    known = exclusion_reasons()
    codes = [record.get(f"reason_{n}", "").upper() for n in (1, 2, 3)]
    codes = [code for code in codes if code]
    for code in codes:
        if code not in known:
            raise _Held(f"Reason '{code}' is not a DfE suspension or exclusion reason code.")
        if not known[code].valid_on(start):
            raise _Held(f"Reason '{code}' was not in use on {long_date(start)}.")
    return codes


def _save(child_id: int, wanted: dict, result: ExclusionsResult, *, import_id, write: bool):
    key = {k: wanted[k] for k in ("school_id", "kind", "start_date")}
    existing = Suspension.objects.filter(child_id=child_id, **key).first()
    if existing is None:
        result.created += 1
        result.children.add(child_id)
        if write:
            Suspension.objects.create(child_id=child_id, source_import_id=import_id, **wanted)
        return
    changes = {k: v for k, v in wanted.items() if getattr(existing, k) != v}
    if not changes:
        result.unchanged += 1
        return
    result.updated += 1
    result.children.add(child_id)
    if write:
        for name, value in changes.items():
            setattr(existing, name, value)
        existing.save(update_fields=list(changes))
