"""Who may see which PEPs, and who may do what to one: the one rule used by every PEP page,
the PDF, the home-page task list and the workflow services.

A PEP is seen by whoever may see the child (pupils.access): the Virtual School all of them, a
designated teacher those of the children on their school's roll, a social worker those of the
children allocated to them; governors and administrators none. A PEP the user may not see is
"not found" (404).

Who edits what follows the statutory roles: the school (its designated teacher) writes the
plan until it is submitted and again when it is returned; the Virtual School quality-assures
it while submitted; the social worker contributes the care section. An approved PEP is locked:
changing it means starting a new version.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from peps.models import Pep, PepStatus
from pupils.access import children_visible_to
from vschool.accounts.models import Role

CARE_SECTION = "care"
VIRTUAL_SCHOOL = (Role.HEAD, Role.CASEWORKER)
SCHOOL_EDITS_WHILE = (PepStatus.NOT_STARTED, PepStatus.IN_PROGRESS, PepStatus.RETURNED)
SUBMITTABLE_FROM = (PepStatus.IN_PROGRESS, PepStatus.RETURNED)


def _active(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_virtual_school(user) -> bool:
    return _active(user) and user.role in VIRTUAL_SCHOOL


def is_social_worker(user) -> bool:
    return _active(user) and user.role == Role.SOCIAL_WORKER


def peps_visible_to(user) -> QuerySet[Pep]:
    if not _active(user):
        return Pep.objects.none()
    if user.role in VIRTUAL_SCHOOL:
        return Pep.objects.all()  # no subquery over every child for the QA queue
    if user.role in (Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER):
        return Pep.objects.filter(child__in=children_visible_to(user))
    return Pep.objects.none()  # governors and administrators


def pep_get_for_user(user, pk: int) -> Pep:
    queryset = peps_visible_to(user).select_related("child", "school", "rated_by", "previous")
    return get_object_or_404(queryset, pk=pk)


# --- What a user may do to a PEP they can see --------------------------------------------------
# Each takes a PEP the user can already see (through peps_visible_to).


def is_school_author(user, pep: Pep) -> bool:
    """Who writes the school's part: the designated teacher; for a child on no school's roll
    (a NEET young person, a child missing education) there is none, so the Virtual School."""
    if not _active(user):
        return False
    if user.role == Role.DESIGNATED_TEACHER:
        return True
    return pep.school_id is None and user.role in VIRTUAL_SCHOOL


def can_edit_section(user, pep: Pep, key: str) -> bool:
    if pep.is_locked:
        return False
    if key == CARE_SECTION:
        # The social worker's own contribution, until the plan is approved.
        return is_social_worker(user)
    if is_school_author(user, pep) and pep.status in SCHOOL_EDITS_WHILE:
        return True
    # While quality-assuring, the Virtual School may correct the school's sections.
    return is_virtual_school(user) and pep.status == PepStatus.SUBMITTED


def can_submit(user, pep: Pep) -> bool:
    return is_school_author(user, pep) and pep.status in SUBMITTABLE_FROM


def can_review(user, pep: Pep) -> bool:
    """Return or approve."""
    return is_virtual_school(user) and pep.status == PepStatus.SUBMITTED


def can_start_new_version(user, pep: Pep) -> bool:
    return pep.is_locked and (is_virtual_school(user) or is_school_author(user, pep))
