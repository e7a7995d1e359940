"""Attribution of changes to children's records.

django-pghistory's database triggers record every insert, update and delete of a tracked
model, bulk imports included; this context says who (or which import) made them.
"""

from contextlib import AbstractContextManager

import pghistory


def attributed(*, acting_user=None, source: str) -> AbstractContextManager:
    """Wrap a service's writes: `with attributed(acting_user=user, source="Enrolment added")`."""
    return pghistory.context(user=acting_user.pk if acting_user else None, source=source)


def tracked(model):
    """Class decorator: keep every insert, update and delete of this part of a child's record.
    (Fresh tracker instances per model: pghistory's trackers must not be shared.)"""
    trackers = (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
    return pghistory.track(*trackers)(model)
