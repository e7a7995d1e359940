from pupils.models.care import CareEpisode
from pupils.models.children import (
    Allocation,
    AllocationRole,
    Child,
    Cohort,
    CohortMembership,
    PlacRoute,
)
from pupils.models.education import (
    AlternativeProvision,
    Enrolment,
    EnrolmentKind,
    ProvisionPattern,
    ReducedTimetable,
    SenRecord,
)
from pupils.models.imports import HeldRow, ImportFile, ImportKind, ImportRun, ImportStatus
from pupils.models.schools import (
    DesignatedTeacher,
    OfstedFramework,
    OfstedGrade,
    OfstedInspection,
    Phase,
    School,
)

__all__ = [
    "Allocation",
    "AllocationRole",
    "AlternativeProvision",
    "CareEpisode",
    "Child",
    "Cohort",
    "CohortMembership",
    "DesignatedTeacher",
    "Enrolment",
    "EnrolmentKind",
    "HeldRow",
    "ImportFile",
    "ImportKind",
    "ImportRun",
    "ImportStatus",
    "OfstedFramework",
    "OfstedGrade",
    "OfstedInspection",
    "Phase",
    "PlacRoute",
    "ProvisionPattern",
    "ReducedTimetable",
    "School",
    "SenRecord",
]
