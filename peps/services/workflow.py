"""A PEP's workflow: saving its sections and targets, and moving it on.

    not started → in progress → submitted → returned (with a reason) → in progress … → approved

The first change to a PEP starts it (not started, or returned, → in progress). Every move is
recorded as a PepTransition (who, when, why), attributed in the PEP's history, and tells the
people concerned (peps.services.notifications). Who may do what is peps.access; a step that is
not allowed, or a PEP not ready for it, raises a ValidationError saying so in plain English,
keyed by the form field to correct where there is one.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from peps import access
from peps.models import (
    Pep,
    PepKind,
    PepSection,
    PepStatus,
    PepTarget,
    PepTransition,
    QaRating,
    SectionFeedback,
    TargetReview,
)
from peps.sections import (
    ATTENDANCE,
    MEETING,
    PREVIOUS_TARGETS,
    TARGETS,
    attendance_frozen,
    pep_title,
    section_snapshot,
    section_spec,
    sections_for,
)
from peps.services.notifications import pep_notify
from vschool.history import attributed

TARGET_FIELDS = ("area", "target", "success_measure", "actions", "who", "by_when", "eef_approach")
LOCKED = "This PEP has been approved, so it cannot be changed. Start a new version to change it."


@contextmanager
def _write(acting_user, source: str) -> Iterator[None]:
    with transaction.atomic(), attributed(acting_user=acting_user, source=source):
        yield


def _lock(pep: Pep) -> None:
    """Hold the PEP's row for the rest of the transaction and read its status afresh, so two
    people acting at once (two reviewers, a teacher resubmitting) cannot both move it."""
    current = Pep.objects.select_for_update().only("status").get(pk=pep.pk)
    pep.status = current.status


def _check_visible(acting_user, pep: Pep) -> None:
    """Pages only offer the PEPs a user may see; the services hold to the same rule."""
    if not access.peps_visible_to(acting_user).filter(pk=pep.pk).exists():
        _refuse("You cannot see this PEP.")


def _refuse(message: str, field: str | None = None) -> None:
    raise ValidationError({field: message} if field else message)


def _move(pep: Pep, to_status: str, acting_user, reason: str = "") -> PepTransition:
    """Record a move and tell the people concerned; the caller saves the PEP."""
    transition = PepTransition.objects.create(
        pep=pep, from_status=pep.status, to_status=to_status, by=acting_user, reason=reason
    )
    pep.status = to_status
    pep_notify(
        pep=pep,
        to_status=to_status,
        message=_message(pep, to_status, acting_user, reason),
        acting_user=acting_user,
    )
    return transition


def _message(pep: Pep, to_status: str, acting_user, reason: str) -> str:
    what = f"{pep.child.display_name}’s {pep_title(pep)}"
    by = acting_user.full_name if acting_user else "The Virtual School"
    if to_status == PepStatus.SUBMITTED:
        return f"{what} was submitted for quality assurance by {by}."
    if to_status == PepStatus.RETURNED:
        return f"{what} was returned to the school by {by}: {reason}"
    if to_status == PepStatus.APPROVED:
        return f"{what} was approved by {by}, rated {pep.get_rating_display()}."
    if pep.status == PepStatus.RETURNED:
        return f"{what} is being revised by {by} after it was returned."
    return f"{what} was started by {by}."


def _start(pep: Pep, acting_user) -> None:
    """The first change to a new or returned PEP puts it in progress."""
    if pep.status in (PepStatus.NOT_STARTED, PepStatus.RETURNED):
        _move(pep, PepStatus.IN_PROGRESS, acting_user)
        pep.rating, pep.rated_by = "", None  # a Red given on return is not a rating of this
        pep.save(update_fields=["status", "rating", "rated_by"])


def _check_can_edit(acting_user, pep: Pep, key: str) -> None:
    _check_visible(acting_user, pep)
    if section_spec(pep, key) is None:
        _refuse("This PEP does not have that section.")
    if pep.is_locked:
        _refuse(LOCKED)
    if not access.can_edit_section(acting_user, pep, key):
        _refuse("You cannot change this section of the PEP at the moment.")


# --- Sections and targets --------------------------------------------------------------------


def section_save(*, acting_user, pep: Pep, key: str, answers: dict, completed: bool) -> PepSection:
    with _write(acting_user, f"PEP section saved: {key}"):
        _lock(pep)
        _check_can_edit(acting_user, pep, key)
        section = _store_section(
            pep, key, {**answers, **section_snapshot(pep, key)}, completed, acting_user
        )
        if key == MEETING.key:
            pep.meeting_date = _date(answers.get("meeting_date"))
            pep.save(update_fields=["meeting_date"])
        _start(pep, acting_user)
    return section


def _store_section(pep: Pep, key: str, answers: dict, completed: bool, acting_user) -> PepSection:
    section, _ = PepSection.objects.update_or_create(
        pep=pep,
        key=key,
        defaults={"answers": answers, "completed": completed, "updated_by": acting_user},
    )
    return section


def _date(value: str | date | None) -> date | None:
    if isinstance(value, str):
        return date.fromisoformat(value) if value else None
    return value


def target_save(*, acting_user, pep: Pep, data: dict, target: PepTarget | None = None) -> PepTarget:
    """Add a SMART target (target=None) or change one."""
    if target is not None and target.pep_id != pep.pk:
        _refuse("That target belongs to another PEP.")
    with _write(acting_user, "PEP target saved"):
        _lock(pep)
        _check_can_edit(acting_user, pep, TARGETS.key)
        if target is None:
            last = pep.targets.aggregate(last=Max("position"))["last"]
            target = PepTarget(pep=pep, position=0 if last is None else last + 1)
        for name in TARGET_FIELDS:
            setattr(target, name, data.get(name) or (None if name == "by_when" else ""))
        target.full_clean(exclude=["pep"])
        target.save()
        _start(pep, acting_user)
    return target


def target_delete(*, acting_user, pep: Pep, target: PepTarget) -> None:
    if target.pep_id != pep.pk:
        _refuse("That target belongs to another PEP.")
    with _write(acting_user, "PEP target removed"):
        _lock(pep)
        _check_can_edit(acting_user, pep, TARGETS.key)
        if target.pp_requests.exists():
            _refuse(
                "Pupil Premium Plus has been requested for this target, so it cannot be "
                "removed. Change the target instead."
            )
        target.delete()
        _start(pep, acting_user)


def previous_targets_review(
    *, acting_user, pep: Pep, reviews: dict[int, tuple[str, str]], completed: bool
) -> PepSection:
    """Record whether each of the previous PEP's targets was achieved ({target id: (review,
    note)}). The review is saved onto those targets, which stay with the approved PEP they
    belong to, and kept in this PEP's section too."""
    with _write(acting_user, "Previous PEP targets reviewed"):
        _lock(pep)
        _check_can_edit(acting_user, pep, PREVIOUS_TARGETS.key)
        targets = {t.pk: t for t in PepTarget.objects.filter(pep_id=pep.previous_id)}
        answers = {}
        for pk, (review, note) in reviews.items():
            if pk not in targets:
                _refuse("That is not one of the previous PEP’s targets.")
            if review not in (*TargetReview.values, ""):
                _refuse("Select whether the target was achieved, partly achieved or not.")
            targets[pk].review, targets[pk].review_note = review, note
            answers |= {f"review_{pk}": review, f"note_{pk}": note}
        PepTarget.objects.bulk_update(targets.values(), ["review", "review_note"])
        section = _store_section(pep, PREVIOUS_TARGETS.key, answers, completed, acting_user)
        _start(pep, acting_user)
    return section


# --- Moving the PEP on -----------------------------------------------------------------------


def pep_submit(*, acting_user, pep: Pep) -> Pep:
    """The school sends the PEP to the Virtual School. Every required section must be
    complete; the term's attendance is frozen into the PEP as it stands now."""
    with _write(acting_user, "PEP submitted"):
        _lock(pep)
        _check_visible(acting_user, pep)
        if not access.can_submit(acting_user, pep):
            _refuse(_why_not_submittable(acting_user, pep))
        saved = {section.key: section for section in pep.sections.all()}
        incomplete = [
            spec.title
            for spec in sections_for(pep)
            if spec.required and not (spec.key in saved and saved[spec.key].completed)
        ]
        if incomplete:
            _refuse(f"Complete these sections before you submit the PEP: {', '.join(incomplete)}.")
        if ATTENDANCE.key in saved:
            attendance = saved[ATTENDANCE.key]
            attendance.answers = {**attendance.answers, "figures": attendance_frozen(pep)}
            attendance.save(update_fields=["answers", "updated_at"])
        _move(pep, PepStatus.SUBMITTED, acting_user)
        pep.submitted_at = timezone.now()
        pep.rating, pep.rated_by = "", None
        pep.save(update_fields=["status", "submitted_at", "rating", "rated_by"])
    return pep


def _why_not_submittable(acting_user, pep: Pep) -> str:
    if pep.status == PepStatus.SUBMITTED:
        return "This PEP has already been submitted."
    if pep.is_locked:
        return LOCKED
    if not access.is_school_author(acting_user, pep):
        return "Only the school’s designated teacher can submit this PEP."
    return "Complete the PEP’s sections before you submit it."


def _check_reviewable(acting_user, pep: Pep) -> None:
    if not access.is_virtual_school(acting_user):
        _refuse("Only the Virtual School can return or approve a PEP.")
    if pep.status != PepStatus.SUBMITTED:
        _refuse(
            f"Only a submitted PEP can be returned or approved. This one is "
            f"{pep.get_status_display().lower()}."
        )


def _check_feedback(pep: Pep, feedback: dict[str, str]) -> None:
    keys = {spec.key for spec in sections_for(pep)}
    if set(feedback) - keys:
        _refuse("Feedback can only be given on this PEP’s sections.")


def _save_feedback(pep: Pep, feedback: dict[str, str], acting_user) -> None:
    SectionFeedback.objects.bulk_create(
        SectionFeedback(pep=pep, section_key=key, comment=comment.strip(), by=acting_user)
        for key, comment in feedback.items()
        if comment.strip()
    )


def pep_return(
    *, acting_user, pep: Pep, reason: str, feedback: dict[str, str], rating: str = ""
) -> Pep:
    """The Virtual School sends the PEP back to the school, saying why. A Red rating, if
    given, is kept with the returned PEP until the school changes it."""
    reason = reason.strip()
    with _write(acting_user, "PEP returned"):
        _lock(pep)
        _check_reviewable(acting_user, pep)
        if not reason:
            _refuse("Enter why you are returning the PEP", "reason")
        if rating not in (*QaRating.values, ""):
            _refuse("Select a rating from the list", "rating")
        _check_feedback(pep, feedback)
        _save_feedback(pep, feedback, acting_user)
        pep.rating, pep.rated_by = rating, (acting_user if rating else None)
        _move(pep, PepStatus.RETURNED, acting_user, reason)
        pep.save(update_fields=["status", "rating", "rated_by"])
    return pep


def pep_approve(*, acting_user, pep: Pep, rating: str, feedback: dict[str, str]) -> Pep:
    """The Virtual School approves the PEP with a quality rating; it is locked from now on.
    An approved termly PEP brings the school its termly Pupil Premium Plus allocation."""
    with _write(acting_user, "PEP approved"):
        _lock(pep)
        _check_reviewable(acting_user, pep)
        if rating == QaRating.RED:
            _refuse(
                "A PEP rated Red cannot be approved. Return it to the school with a reason.",
                "rating",
            )
        if rating not in QaRating.values:
            _refuse("Select a rating before you approve the PEP", "rating")
        _check_feedback(pep, feedback)
        _save_feedback(pep, feedback, acting_user)
        pep.rating, pep.rated_by, pep.approved_at = rating, acting_user, timezone.now()
        _move(pep, PepStatus.APPROVED, acting_user)
        pep.save(update_fields=["status", "rating", "rated_by", "approved_at"])
        if pep.kind == PepKind.TERMLY:
            _allocate_termly_pupil_premium_plus(pep, acting_user)
    return pep


def _allocate_termly_pupil_premium_plus(pep: Pep, acting_user):
    allocate = _ppplus_allocator()
    return allocate(pep=pep, acting_user=acting_user) if allocate else None


def _ppplus_allocator():
    """peps.services.ppplus.ppplus_allocate_for_approved_pep, once it exists (it is built
    alongside this module); imported here, not at the top, so the two modules may import
    each other's names."""
    try:
        from peps.services import ppplus
    except ModuleNotFoundError as error:
        if error.name != "peps.services.ppplus":
            raise
        return None
    return getattr(ppplus, "ppplus_allocate_for_approved_pep", None)


def pep_new_version(*, acting_user, pep: Pep) -> Pep:
    """Copy an approved PEP, with its sections and targets, into a new version to change."""
    with _write(acting_user, "New PEP version"):
        _lock(pep)
        _check_visible(acting_user, pep)
        if not access.can_start_new_version(acting_user, pep):
            _refuse(
                "Only an approved PEP needs a new version, started by the school or the "
                "Virtual School."
            )
        newest = Pep.objects.filter(
            child_id=pep.child_id, kind=pep.kind, academic_year=pep.academic_year, term=pep.term
        ).aggregate(newest=Max("version"))["newest"]
        if newest != pep.version:
            _refuse(f"There is already a newer version of this PEP (version {newest}).")
        new = _copy(pep, acting_user)
        PepTransition.objects.create(
            pep=new,
            from_status="",
            to_status=PepStatus.IN_PROGRESS,
            by=acting_user,
            reason=f"A new version of version {pep.version}",
        )
        pep_notify(
            pep=new,
            to_status=PepStatus.IN_PROGRESS,
            message=f"{new.child.display_name}’s {pep_title(new)} was reopened as version "
            f"{new.version} by {acting_user.full_name}.",
            acting_user=acting_user,
        )
    return new


def _copy(pep: Pep, acting_user) -> Pep:
    new = Pep.objects.create(
        child=pep.child,
        school=pep.school,
        kind=pep.kind,
        variant=pep.variant,
        academic_year=pep.academic_year,
        term=pep.term,
        version=pep.version + 1,
        status=PepStatus.IN_PROGRESS,
        due_date=pep.due_date,
        previous=pep.previous,
        meeting_date=pep.meeting_date,
    )
    PepSection.objects.bulk_create(
        PepSection(
            pep=new,
            key=section.key,
            # Attendance is frozen again when the new version is submitted.
            answers={k: v for k, v in section.answers.items() if k != "figures"},
            completed=section.completed,
            updated_by=acting_user,
        )
        for section in pep.sections.all()
    )
    PepTarget.objects.bulk_create(
        PepTarget(
            pep=new,
            **{name: getattr(target, name) for name in TARGET_FIELDS},
            position=target.position,
        )
        for target in pep.targets.all()
    )
    return new
