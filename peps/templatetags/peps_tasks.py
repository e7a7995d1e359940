"""PEPs on the home page, and the labels and colours PEP pages use.

`{% load peps_tasks %}{% my_pep_tasks %}` shows the signed-in user what they have to do: a
designated teacher the PEPs to complete (returned ones with the reason), a caseworker the
PEPs of their children waiting for quality assurance (the Head, every PEP waiting), and
everyone their unread notifications about PEPs.
"""

from django import template
from django.db.models import Prefetch
from django.utils import timezone

from peps.access import peps_visible_to
from peps.models import Notification, PepStatus, PepTransition, QaRating
from peps.sections import pep_title
from pupils.models import Allocation, AllocationRole
from vschool.accounts.models import Role

register = template.Library()

HOME_LIST_LENGTH = 10
STATUS_COLOURS = {
    PepStatus.NOT_STARTED: "grey",
    PepStatus.IN_PROGRESS: "light-blue",
    PepStatus.SUBMITTED: "blue",
    PepStatus.RETURNED: "orange",
    PepStatus.APPROVED: "green",
}
RATING_COLOURS = {
    QaRating.GOLD: "yellow",
    QaRating.GREEN: "green",
    QaRating.AMBER: "orange",
    QaRating.RED: "red",
}
OPEN = (PepStatus.NOT_STARTED, PepStatus.IN_PROGRESS, PepStatus.RETURNED)


@register.filter
def pep_status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "grey")


@register.filter
def rating_colour(rating: str) -> str:
    return RATING_COLOURS.get(rating, "grey")


@register.filter
def pep_is_overdue(pep, today) -> bool:
    return pep.status in OPEN and pep.due_date < today


@register.filter
def title_of(pep) -> str:
    return pep_title(pep)


def _to_complete(user):
    returns = PepTransition.objects.filter(to_status=PepStatus.RETURNED).order_by("-at", "-pk")
    return (
        peps_visible_to(user)
        .filter(status__in=OPEN)
        .select_related("child")
        .prefetch_related(Prefetch("transitions", queryset=returns, to_attr="returns"))
        .order_by("due_date", "pk")
    )


def _awaiting_review(user, today):
    waiting = peps_visible_to(user).filter(status=PepStatus.SUBMITTED)
    if user.role == Role.CASEWORKER:
        mine = Allocation.objects.current(today).filter(user=user, role=AllocationRole.CASEWORKER)
        waiting = waiting.filter(child__in=mine.values("child"))
    return waiting.select_related("child", "school").order_by("submitted_at", "pk")


@register.inclusion_tag("peps/_my_pep_tasks.html", takes_context=True)
def my_pep_tasks(context) -> dict:
    user, today = context["request"].user, timezone.localdate()
    if not user.has_perm("peps.view_peps"):
        return {"show": False}
    tasks = {"show": True, "today": today, "role": user.role}
    if user.role == Role.DESIGNATED_TEACHER:
        peps = _to_complete(user)
        tasks |= {"to_complete": list(peps[:HOME_LIST_LENGTH]), "total": peps.count()}
    elif user.role in (Role.HEAD, Role.CASEWORKER):
        peps = _awaiting_review(user, today)
        tasks |= {"awaiting": list(peps[:HOME_LIST_LENGTH]), "total": peps.count()}
    # Only about PEPs the user may still see (a child who has left the teacher's school).
    unread = Notification.objects.filter(
        user=user, read_at__isnull=True, pep__in=peps_visible_to(user)
    )
    tasks["notifications"] = list(unread.select_related("pep")[:HOME_LIST_LENGTH])
    tasks["unread"] = unread.count()
    return tasks
