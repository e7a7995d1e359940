"""Telling the people concerned that a PEP moved on: an item on their home-page task list
(Notification) and an email. Emails go only once the change is committed, so a change that
fails tells nobody; subjects never name the child (they show in inbox previews and on lock
screens)."""

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from peps.models import Notification, Pep, PepStatus
from pupils.models import Allocation, AllocationRole, DesignatedTeacher

log = logging.getLogger(__name__)

# The email subject for each status a PEP moves to; "started" is a new version's first step.
SUBJECTS = {
    PepStatus.IN_PROGRESS: "A PEP has been started",
    PepStatus.SUBMITTED: "A PEP is waiting for quality assurance",
    PepStatus.RETURNED: "A PEP has been returned to the school",
    PepStatus.APPROVED: "A PEP has been approved",
}


def _allocated(pep: Pep, role: str) -> list:
    allocations = Allocation.objects.current(timezone.localdate()).filter(
        child_id=pep.child_id, role=role, user__is_active=True
    )
    return [allocation.user for allocation in allocations.select_related("user")]


def caseworkers_of(pep: Pep) -> list:
    return _allocated(pep, AllocationRole.CASEWORKER)


def social_workers_of(pep: Pep) -> list:
    return _allocated(pep, AllocationRole.SOCIAL_WORKER)


def designated_teachers_of(pep: Pep) -> list:
    if pep.school_id is None:
        return []
    posts = DesignatedTeacher.objects.current(timezone.localdate()).filter(
        school_id=pep.school_id, user__is_active=True
    )
    return [post.user for post in posts.select_related("user")]


def recipients_for(pep: Pep, to_status: str) -> list:
    """Who hears of a move to this status: the school when the Virtual School has decided,
    the caseworker when there is a plan to check, and the social worker always."""
    people = social_workers_of(pep)
    if to_status == PepStatus.SUBMITTED:
        people += caseworkers_of(pep)
    elif to_status in (PepStatus.RETURNED, PepStatus.APPROVED):
        people += designated_teachers_of(pep)
    return list({person.pk: person for person in people}.values())


def pep_notify(*, pep: Pep, to_status: str, message: str, acting_user) -> list[Notification]:
    """A task-list item and an email for everyone concerned, except whoever made the change."""
    people = [p for p in recipients_for(pep, to_status) if acting_user is None or p != acting_user]
    notifications = Notification.objects.bulk_create(
        Notification(user=person, pep=pep, message=message) for person in people
    )
    url = settings.SITE_URL + reverse("peps:pep_detail", args=[pep.pk])
    subject = f"{settings.SERVICE_NAME}: {SUBJECTS[to_status]}"
    for person in people:
        transaction.on_commit(lambda person=person: _email(person, subject, message, url))
    return notifications


def _email(person, subject: str, message: str, url: str) -> None:
    body = render_to_string(
        "peps/email/notification.txt",
        {"user": person, "message": message, "url": url, "service_name": settings.SERVICE_NAME},
    )
    try:
        send_mail(subject, body, None, [person.email])
    except (SMTPException, OSError):
        # The task-list item is the record; the email is a courtesy.
        log.exception("Could not email user %s about a PEP", person.pk)


def notifications_mark_read(*, user, pep: Pep) -> int:
    """Opening the PEP deals with the task-list items about it."""
    unread = Notification.objects.filter(user=user, pep=pep, read_at__isnull=True)
    return unread.update(read_at=timezone.now())
