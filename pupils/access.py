"""Who may see which children and schools: the one rule used by every page, export, API call
and PDF. A child the user may not see is "not found" (404), never "forbidden"."""

from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from pupils.models import Allocation, AllocationRole, Child, DesignatedTeacher, Enrolment, School
from vschool.accounts.models import Role


def _today(on: date | None) -> date:
    return on or timezone.localdate()


def teacher_schools(user, on: date | None = None) -> QuerySet[School]:
    """The schools a designated teacher is in post at on that day."""
    posts = DesignatedTeacher.objects.current(_today(on)).filter(user=user)
    return School.objects.filter(pk__in=posts.values("school"))


def children_visible_to(user, on: date | None = None) -> QuerySet[Child]:
    """Virtual School staff see every child; a designated teacher, the children on the roll of
    their school(s) today, and only while they are; a social worker, the children allocated to
    them; governors and administrators, no child."""
    if not (user.is_authenticated and user.is_active):
        return Child.objects.none()
    today = _today(on)
    if user.role in (Role.HEAD, Role.CASEWORKER):
        return Child.objects.all()
    if user.role == Role.DESIGNATED_TEACHER:
        on_roll = Enrolment.objects.current(today).filter(school__in=teacher_schools(user, today))
        return Child.objects.filter(pk__in=on_roll.values("child"))
    if user.role == Role.SOCIAL_WORKER:
        allocated = Allocation.objects.current(today).filter(
            user=user, role=AllocationRole.SOCIAL_WORKER
        )
        return Child.objects.filter(pk__in=allocated.values("child"))
    return Child.objects.none()


def child_get_for_user(user, pk: int) -> Child:
    return get_object_or_404(children_visible_to(user), pk=pk)


def schools_visible_to(user) -> QuerySet[School]:
    """Schools are public information, but a designated teacher works with their own."""
    if not (user.is_authenticated and user.is_active) or user.role == Role.GOVERNOR:
        return School.objects.none()
    if user.role == Role.DESIGNATED_TEACHER:
        return teacher_schools(user)
    return School.objects.all()


def school_get_for_user(user, pk: int) -> School:
    return get_object_or_404(schools_visible_to(user), pk=pk)
