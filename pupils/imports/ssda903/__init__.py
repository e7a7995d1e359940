"""The SSDA903 social-care extract: header.csv (one row per child) and episodes.csv (one row
per episode of care), in the DfE's layout (domain-rules §3).

The extract is the council's record of who is in care, so it creates and updates children and
their episodes, then the cohorts derived from the episodes. Everything is done in bulk: a whole
authority's extract takes seconds. The oc2, oc3 and uasc files are not read.
"""

from django.utils import timezone

from pupils.care import cohort_memberships_sync_from_care
from pupils.identifiers import postcode_district
from pupils.imports.common import FileSpec, Outcome, Table, read_table
from pupils.imports.ssda903.children import ChildrenImport
from pupils.imports.ssda903.episodes import EpisodesImport
from vschool.history import attributed

HEADER = FileSpec(
    role="header",
    label="Header file (header.csv)",
    required=("CHILD", "SEX", "DOB", "ETHNIC", "UPN"),
    upper_case_headers=True,
)
EPISODES = FileSpec(
    role="episodes",
    label="Episodes file (episodes.csv)",
    required=("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"),
    optional=("REASON_PLACE_CHANGE", "PL_POST", "PL_LA"),
    upper_case_headers=True,
)
FILES = (HEADER, EPISODES)


def read(spec: FileSpec, name: str, content: bytes) -> Table:
    """Read a file of the extract. What is kept of it (between the preview and the import, and
    against held rows) is only the columns imported, with the placement postcode cut to its
    district: a child's full address never reaches the database."""
    table = read_table(spec, name, content)
    if "PL_POST" in table.frame.columns:
        table.frame["PL_POST"] = table.frame["PL_POST"].map(postcode_district)
    return table


def apply(tables: dict[str, Table], *, acting_user, source: str) -> Outcome:
    outcome = Outcome()
    today = timezone.localdate()
    with attributed(acting_user=acting_user, source=source):
        children = ChildrenImport(tables["header"], outcome, today)
        known = children.apply()
        episodes = EpisodesImport(tables["episodes"], outcome, today, known, children.held_ids)
        touched = episodes.apply()
        synced = cohort_memberships_sync_from_care(
            child_ids=touched, acting_user=acting_user, source=source
        )
    outcome.derived = [[f"Cohort memberships {verb}", n] for verb, n in synced.items()]
    return outcome
