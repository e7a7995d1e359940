"""The DfE's attendance codes and exclusion reasons, read from fixtures/ (reference data,
edited as files when the DfE changes a list)."""

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import models

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class AttendanceCategory(models.TextChoices):
    """The DfE's statistical categories (domain-rules §1)."""

    PRESENT = "present", "Present"
    EDUCATED_OFF_SITE = "aea", "Attending an approved educational activity"
    AUTHORISED = "authorised", "Authorised absence"
    UNAUTHORISED = "unauthorised", "Unauthorised absence"
    NOT_COUNTED = "not_counted", "Not counted (not a possible session)"


@dataclass(frozen=True)
class DatedCode:
    code: str
    meaning: str
    valid_from: date | None
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class AttendanceCode(DatedCode):
    category: AttendanceCategory

    @property
    def is_possible_session(self) -> bool:
        return self.category != AttendanceCategory.NOT_COUNTED

    @property
    def is_attendance(self) -> bool:
        return self.category in (AttendanceCategory.PRESENT, AttendanceCategory.EDUCATED_OFF_SITE)


@dataclass(frozen=True)
class ExclusionReason(DatedCode):
    confirmed: bool


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def _rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def attendance_codes() -> dict[str, AttendanceCode]:
    return {
        row["code"]: AttendanceCode(
            code=row["code"],
            meaning=row["meaning"],
            valid_from=_date(row["valid_from"]),
            valid_to=_date(row["valid_to"]),
            category=AttendanceCategory(row["category"]),
        )
        for row in _rows("attendance_codes.csv")
    }


@cache
def exclusion_reasons() -> dict[str, ExclusionReason]:
    return {
        row["code"]: ExclusionReason(
            code=row["code"],
            meaning=row["reason"],
            valid_from=_date(row["valid_from"]),
            valid_to=_date(row["valid_to"]),
            confirmed=row["confirmed"] == "yes",
        )
        for row in _rows("exclusion_reasons.csv")
    }


def codes_in(*categories: AttendanceCategory) -> frozenset[str]:
    return frozenset(c.code for c in attendance_codes().values() if c.category in categories)
