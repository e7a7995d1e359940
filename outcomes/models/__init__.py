from outcomes.models.alerts import DEFAULT_RULES, Alert, AlertKind, AlertRule
from outcomes.models.attendance import AttendanceCorrection, AttendanceDay, Session
from outcomes.models.exclusions import ExclusionOutcome, ExclusionType, Suspension
from outcomes.models.imports import (
    AttendanceImport,
    FeedChildAlias,
    FeedKind,
    FeedLayout,
    FeedMapping,
    HeldFeedRow,
    HeldStatus,
    ImportStatus,
)

__all__ = [
    "DEFAULT_RULES",
    "Alert",
    "AlertKind",
    "AlertRule",
    "AttendanceCorrection",
    "AttendanceDay",
    "AttendanceImport",
    "ExclusionOutcome",
    "ExclusionType",
    "FeedChildAlias",
    "FeedKind",
    "FeedLayout",
    "FeedMapping",
    "HeldFeedRow",
    "HeldStatus",
    "ImportStatus",
    "Session",
    "Suspension",
]
