from outcomes.models.alerts import DEFAULT_RULES, Alert, AlertKind, AlertRule
from outcomes.models.attendance import AttendanceCorrection, AttendanceDay, Session
from outcomes.models.exclusions import ExclusionOutcome, ExclusionType, Suspension
from outcomes.models.imports import (
    AttendanceImport,
    FeedKind,
    FeedLayout,
    FeedMapping,
    HeldFeedRow,
    HeldStatus,
    ImportStatus,
)

__all__ = [
    "COUNTED_CATEGORIES",
    "DEFAULT_RULES",
    "Alert",
    "AlertKind",
    "AlertRule",
    "AttendanceCategory",
    "AttendanceCode",
    "AttendanceCorrection",
    "AttendanceDay",
    "AttendanceImport",
    "ExclusionOutcome",
    "ExclusionReason",
    "ExclusionType",
    "FeedKind",
    "FeedLayout",
    "FeedMapping",
    "HeldFeedRow",
    "HeldStatus",
    "ImportStatus",
    "Session",
    "Suspension",
]
