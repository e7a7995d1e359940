"""Every change to a child's record and to schools made through the service's pages.

Each function is keyword-only, takes the `acting_user`, checks the rules first and raises a
`ValidationError` in plain English (keyed by the field the user should correct, so that a view
can put it on the form), then writes inside one transaction attributed to the user in the
record's history. The database constraints (no overlapping periods) are the backstop: if one
still trips, the IntegrityError becomes the same kind of ValidationError.
"""

from pupils.services.care import (
    placement_change,
    reason_new_episode,
)
from pupils.services.children import (
    allocation_change,
    child_create,
    child_update,
)
from pupils.services.common import (
    long_date,
)
from pupils.services.education import (
    alternative_provision_add,
    enrolment_add,
    enrolment_end,
    reduced_timetable_add,
    sen_change,
)
from pupils.services.schools import (
    ofsted_inspection_add,
    school_create,
    school_update,
)

__all__ = [
    "allocation_change",
    "alternative_provision_add",
    "child_create",
    "child_update",
    "enrolment_add",
    "enrolment_end",
    "long_date",
    "ofsted_inspection_add",
    "placement_change",
    "reason_new_episode",
    "reduced_timetable_add",
    "school_create",
    "school_update",
    "sen_change",
]
