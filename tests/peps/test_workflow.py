"""The PEP workflow (peps.services.workflow): every transition, who may make it, and what it
tells whom. not started → in progress → submitted → returned → in progress → submitted →
approved (locked) → a new version."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError

from peps.models import (
    LedgerCategory,
    LedgerEntry,
    Notification,
    Pep,
    PepStatus,
    PepTransition,
    SectionFeedback,
)
from peps.services import workflow
from tests.factories import DesignatedTeacherFactory, UserFactory
from tests.peps.conftest import (
    GrantYearFactory,
    PepFactory,
    PepTargetFactory,
    complete_pep,
    complete_section,
)
from vschool.accounts.models import Role


def refused(call, **kwargs) -> str:
    with pytest.raises(ValidationError) as excinfo:
        call(**kwargs)
    return " ".join(excinfo.value.messages)


def moves(pep: Pep) -> list[tuple[str, str, str, str]]:
    return [
        (t.from_status, t.to_status, t.by.full_name if t.by else "", t.reason)
        for t in PepTransition.objects.filter(pep=pep).select_related("by").order_by("at", "pk")
    ]


def notified(pep: Pep) -> dict[str, list[str]]:
    by_user: dict[str, list[str]] = {}
    for item in Notification.objects.filter(pep=pep).select_related("user").order_by("pk"):
        by_user.setdefault(item.user.email, []).append(item.message)
    return by_user


# --- Starting and editing ----------------------------------------------------------------------


def test_first_saved_section_starts_the_pep_and_records_who(world):
    complete_section(world.pep, "views", world.teacher, completed=False)

    world.pep.refresh_from_db()
    assert world.pep.status == PepStatus.IN_PROGRESS
    assert moves(world.pep) == [("not_started", "in_progress", "Tara Teach", "")]
    section = world.pep.sections.get(key="views")
    assert (section.completed, section.updated_by) == (False, world.teacher)
    event = section.events.filter(pgh_label="insert").last()
    assert event.pgh_context.metadata["user"] == world.teacher.pk


def test_a_second_edit_is_not_another_transition(world):
    complete_section(world.pep, "views", world.teacher)
    complete_section(world.pep, "wellbeing", world.teacher)

    assert len(moves(world.pep)) == 1


def test_social_worker_edits_only_the_care_section(world):
    complete_section(world.pep, "care", world.social_worker)

    message = refused(
        workflow.section_save,
        acting_user=world.social_worker,
        pep=world.pep,
        key="views",
        answers={"child_views": "Mine"},
        completed=True,
    )
    assert message == "You cannot change this section of the PEP at the moment."
    assert world.pep.sections.get(key="care").updated_by == world.social_worker


def test_designated_teacher_cannot_write_the_care_section(world):
    message = refused(
        workflow.section_save,
        acting_user=world.teacher,
        pep=world.pep,
        key="care",
        answers={"placement": "No changes."},
        completed=True,
    )
    assert "cannot change this section" in message


def test_a_section_the_pep_does_not_have_is_refused(world):
    # Robin has no previous PEP, so there are no previous targets to review.
    message = refused(
        workflow.section_save,
        acting_user=world.teacher,
        pep=world.pep,
        key="previous_targets",
        answers={},
        completed=True,
    )
    assert message == "This PEP does not have that section."


def test_saving_the_meeting_section_records_the_meeting_date_on_the_pep(world):
    complete_section(world.pep, "meeting", world.teacher)

    world.pep.refresh_from_db()
    assert str(world.pep.meeting_date) == "2025-10-20"


# --- Submitting --------------------------------------------------------------------------------


def test_designated_teacher_submits_a_complete_pep(world):
    complete_pep(world.pep, world.teacher)

    workflow.pep_submit(acting_user=world.teacher, pep=world.pep)

    world.pep.refresh_from_db()
    assert world.pep.status == PepStatus.SUBMITTED
    assert world.pep.submitted_at is not None
    assert moves(world.pep)[-1] == ("in_progress", "submitted", "Tara Teach", "")


def test_submitting_names_the_sections_still_to_complete(world):
    complete_section(world.pep, "views", world.teacher)
    complete_section(world.pep, "wellbeing", world.teacher, completed=False)

    message = refused(workflow.pep_submit, acting_user=world.teacher, pep=world.pep)

    assert message == (
        "Complete these sections before you submit the PEP: Attendance and suspensions this "
        "term, Attainment and progress, Special educational needs and EHC plan, Wellbeing and "
        "what helps, SMART targets, Transitions and careers, Meeting date and who attended."
    )
    world.pep.refresh_from_db()
    assert world.pep.status == PepStatus.IN_PROGRESS


def test_the_care_section_is_not_needed_to_submit(world):
    complete_pep(world.pep, world.teacher)
    assert not world.pep.sections.filter(key="care").exists()

    workflow.pep_submit(acting_user=world.teacher, pep=world.pep)


@pytest.mark.parametrize("who", ["caseworker", "social_worker"])
def test_only_the_school_submits_its_pep(world, who):
    complete_pep(world.pep, world.teacher)

    message = refused(workflow.pep_submit, acting_user=getattr(world, who), pep=world.pep)

    assert message == "Only the school’s designated teacher can submit this PEP."


def test_a_pep_with_no_school_is_written_and_submitted_by_the_virtual_school(world):
    pep = PepFactory(child=world.child, school=None, term="spring", due_date=world.pep.due_date)
    complete_pep(pep, world.caseworker)

    workflow.pep_submit(acting_user=world.caseworker, pep=pep)

    assert pep.status == PepStatus.SUBMITTED


def test_a_pep_cannot_be_submitted_twice(submitted, world):
    message = refused(workflow.pep_submit, acting_user=world.teacher, pep=world.pep)

    assert message == "This PEP has already been submitted."


def test_the_school_cannot_edit_a_submitted_pep_but_the_virtual_school_can(submitted, world):
    message = refused(
        workflow.section_save,
        acting_user=world.teacher,
        pep=world.pep,
        key="views",
        answers={"child_views": "Changed"},
        completed=True,
    )
    assert "cannot change this section" in message

    complete_section(world.pep, "views", world.caseworker)
    world.pep.refresh_from_db()
    assert world.pep.status == PepStatus.SUBMITTED
    assert world.pep.sections.get(key="views").updated_by == world.caseworker


# --- Returning ---------------------------------------------------------------------------------


def test_returning_needs_a_reason(submitted, world):
    with pytest.raises(ValidationError) as excinfo:
        workflow.pep_return(acting_user=world.caseworker, pep=world.pep, reason="  ", feedback={})

    assert excinfo.value.message_dict == {"reason": ["Enter why you are returning the PEP"]}
    world.pep.refresh_from_db()
    assert world.pep.status == PepStatus.SUBMITTED


def test_caseworker_returns_a_pep_with_a_reason_and_feedback_per_section(submitted, world):
    workflow.pep_return(
        acting_user=world.caseworker,
        pep=world.pep,
        reason="The targets need measurable success measures.",
        feedback={"targets": "Say how you will measure reading progress.", "views": ""},
    )

    world.pep.refresh_from_db()
    assert world.pep.status == PepStatus.RETURNED
    assert moves(world.pep)[-1] == (
        "submitted",
        "returned",
        "Carl Case",
        "The targets need measurable success measures.",
    )
    assert list(SectionFeedback.objects.values_list("section_key", "comment", "by")) == [
        ("targets", "Say how you will measure reading progress.", world.caseworker.pk)
    ]


def test_feedback_on_a_section_the_pep_does_not_have_is_refused(submitted, world):
    message = refused(
        workflow.pep_return,
        acting_user=world.caseworker,
        pep=world.pep,
        reason="Incomplete",
        feedback={"early_years": "Not for a Year 9"},
    )
    assert message == "Feedback can only be given on this PEP’s sections."


@pytest.mark.parametrize("who", ["teacher", "social_worker"])
def test_only_the_virtual_school_returns_or_approves(submitted, world, who):
    user = getattr(world, who)

    assert refused(
        workflow.pep_return, acting_user=user, pep=world.pep, reason="No", feedback={}
    ) == ("Only the Virtual School can return or approve a PEP.")
    assert refused(
        workflow.pep_approve, acting_user=user, pep=world.pep, rating="green", feedback={}
    ) == ("Only the Virtual School can return or approve a PEP.")


def test_a_pep_not_submitted_cannot_be_returned_or_approved(world):
    complete_section(world.pep, "views", world.teacher)

    message = refused(
        workflow.pep_approve,
        acting_user=world.caseworker,
        pep=world.pep,
        rating="gold",
        feedback={},
    )
    assert message == "Only a submitted PEP can be returned or approved. This one is in progress."


def test_the_school_fixes_a_returned_pep_and_resubmits_it(submitted, world):
    workflow.pep_return(
        acting_user=world.caseworker, pep=world.pep, reason="Add the child's views", feedback={}
    )

    complete_section(world.pep, "views", world.teacher)
    world.pep.refresh_from_db()
    assert world.pep.status == PepStatus.IN_PROGRESS
    workflow.pep_submit(acting_user=world.teacher, pep=world.pep)

    assert [(m[0], m[1]) for m in moves(world.pep)] == [
        ("not_started", "in_progress"),
        ("in_progress", "submitted"),
        ("submitted", "returned"),
        ("returned", "in_progress"),
        ("in_progress", "submitted"),
    ]


def test_a_returned_pep_can_be_resubmitted_without_changes(submitted, world):
    workflow.pep_return(acting_user=world.caseworker, pep=world.pep, reason="Check", feedback={})

    workflow.pep_submit(acting_user=world.teacher, pep=world.pep)

    assert world.pep.status == PepStatus.SUBMITTED


# --- Rating and approving ----------------------------------------------------------------------


def test_a_red_pep_cannot_be_approved(submitted, world):
    with pytest.raises(ValidationError) as excinfo:
        workflow.pep_approve(acting_user=world.caseworker, pep=world.pep, rating="red", feedback={})

    assert excinfo.value.message_dict == {
        "rating": ["A PEP rated Red cannot be approved. Return it to the school with a reason."]
    }
    world.pep.refresh_from_db()
    assert (world.pep.status, world.pep.rating) == (PepStatus.SUBMITTED, "")


def test_a_red_pep_is_returned_with_its_rating_until_the_school_changes_it(submitted, world):
    workflow.pep_return(
        acting_user=world.caseworker,
        pep=world.pep,
        reason="The plan has no targets the child can reach.",
        feedback={},
        rating="red",
    )
    world.pep.refresh_from_db()
    assert (world.pep.status, world.pep.rating, world.pep.rated_by) == (
        PepStatus.RETURNED,
        "red",
        world.caseworker,
    )

    complete_section(world.pep, "targets", world.teacher)
    world.pep.refresh_from_db()
    assert (world.pep.status, world.pep.rating) == (PepStatus.IN_PROGRESS, "")


def test_approving_needs_a_rating(submitted, world):
    with pytest.raises(ValidationError) as excinfo:
        workflow.pep_approve(acting_user=world.caseworker, pep=world.pep, rating="", feedback={})

    assert excinfo.value.message_dict == {"rating": ["Select a rating before you approve the PEP"]}


def test_approving_locks_the_pep_and_records_the_rating_and_reviewer(submitted, world):
    workflow.pep_approve(
        acting_user=world.caseworker,
        pep=world.pep,
        rating="green",
        feedback={"views": "Lovely to hear Robin's voice."},
    )

    world.pep.refresh_from_db()
    assert (world.pep.status, world.pep.rating, world.pep.rated_by) == (
        PepStatus.APPROVED,
        "green",
        world.caseworker,
    )
    assert world.pep.is_locked and world.pep.approved_at is not None
    assert moves(world.pep)[-1] == ("submitted", "approved", "Carl Case", "")
    assert SectionFeedback.objects.get().section_key == "views"


@pytest.fixture
def approved(submitted, world):
    return workflow.pep_approve(
        acting_user=world.caseworker, pep=world.pep, rating="gold", feedback={}
    )


def test_nobody_changes_an_approved_pep(approved, world):
    locked = (
        "This PEP has been approved, so it cannot be changed. Start a new version to change it."
    )
    for user in (world.teacher, world.caseworker):
        assert (
            refused(
                workflow.section_save,
                acting_user=user,
                pep=world.pep,
                key="views",
                answers={"child_views": "Changed"},
                completed=True,
            )
            == locked
        )
    assert (
        refused(
            workflow.section_save,
            acting_user=world.social_worker,
            pep=world.pep,
            key="care",
            answers={"placement": "Moved"},
            completed=True,
        )
        == locked
    )
    target = world.pep.targets.first()
    assert (
        refused(
            workflow.target_save, acting_user=world.teacher, pep=world.pep, data={}, target=target
        )
        == locked
    )
    assert (
        refused(workflow.target_delete, acting_user=world.teacher, pep=world.pep, target=target)
        == locked
    )
    assert refused(workflow.pep_submit, acting_user=world.teacher, pep=world.pep) == locked


def test_approving_a_termly_pep_pays_the_schools_termly_allocation(submitted, world):
    GrantYearFactory(start_year=2025, termly_allocation="600.00")

    workflow.pep_approve(acting_user=world.caseworker, pep=world.pep, rating="green", feedback={})

    entry = LedgerEntry.objects.get()
    assert (entry.category, entry.amount, entry.school, entry.child, entry.pep) == (
        LedgerCategory.SCHOOL_ALLOCATION,
        600,
        world.school,
        world.child,
        world.pep,
    )


def test_approving_an_initial_pep_pays_no_termly_allocation(world):
    GrantYearFactory(start_year=2025)
    pep = PepFactory(child=world.child, school=world.school, kind="initial")
    complete_pep(pep, world.teacher)
    workflow.pep_submit(acting_user=world.teacher, pep=pep)

    workflow.pep_approve(acting_user=world.caseworker, pep=pep, rating="amber", feedback={})

    assert not LedgerEntry.objects.exists()


# --- New versions ------------------------------------------------------------------------------


def test_a_new_version_copies_the_approved_pep_to_change(approved, world):
    new = workflow.pep_new_version(acting_user=world.teacher, pep=world.pep)

    assert (new.version, new.status, new.rating, new.term) == (2, "in_progress", "", "autumn")
    old_sections = {s.key: (s.answers, s.completed) for s in world.pep.sections.all()}
    new_sections = {s.key: (s.answers, s.completed) for s in new.sections.all()}
    assert new_sections.keys() == old_sections.keys()
    assert new_sections["views"] == old_sections["views"]
    # Attendance is frozen again when the new version is submitted.
    assert "figures" in old_sections["attendance"][0]
    assert "figures" not in new_sections["attendance"][0]
    old_targets = list(world.pep.targets.values_list("area", "target", "by_when"))
    assert list(new.targets.values_list("area", "target", "by_when")) == old_targets
    world.pep.refresh_from_db()
    assert (world.pep.status, world.pep.rating) == ("approved", "gold")
    assert moves(new) == [("", "in_progress", "Tara Teach", "A new version of version 1")]


def test_only_an_approved_pep_gets_a_new_version(submitted, world):
    message = refused(workflow.pep_new_version, acting_user=world.teacher, pep=world.pep)

    assert message.startswith("Only an approved PEP needs a new version")


def test_a_new_version_is_started_from_the_newest_version_only(approved, world):
    workflow.pep_new_version(acting_user=world.teacher, pep=world.pep)

    message = refused(workflow.pep_new_version, acting_user=world.teacher, pep=world.pep)

    assert message == "There is already a newer version of this PEP (version 2)."


def test_a_social_worker_cannot_start_a_new_version(approved, world):
    assert refused(
        workflow.pep_new_version, acting_user=world.social_worker, pep=world.pep
    ).startswith("Only an approved PEP needs a new version")


# --- Targets -----------------------------------------------------------------------------------


def test_targets_are_added_changed_and_removed_in_order(world):
    data = {
        "area": "Maths",
        "target": "Learn the 7 and 8 times tables",
        "success_measure": "25 out of 25 on the weekly times tables test",
        "by_when": None,
    }
    first = workflow.target_save(acting_user=world.teacher, pep=world.pep, data=data)
    second = workflow.target_save(
        acting_user=world.teacher, pep=world.pep, data={**data, "area": "Attendance"}
    )
    workflow.target_save(
        acting_user=world.teacher,
        pep=world.pep,
        data={**data, "who": "Maths teacher"},
        target=first,
    )

    assert list(world.pep.targets.values_list("area", "who", "position")) == [
        ("Maths", "Maths teacher", 0),
        ("Attendance", "", 1),
    ]
    workflow.target_delete(acting_user=world.teacher, pep=world.pep, target=second)
    assert list(world.pep.targets.values_list("area", flat=True)) == ["Maths"]
    world.pep.refresh_from_db()
    assert world.pep.status == PepStatus.IN_PROGRESS


def test_a_target_with_pupil_premium_plus_requested_cannot_be_removed(world):
    from peps.models import PpRequest

    target = PepTargetFactory(pep=world.pep)
    PpRequest.objects.create(
        pep=world.pep, target=target, amount=300, purpose="Tutoring", eef_approach="targeted"
    )

    message = refused(
        workflow.target_delete, acting_user=world.teacher, pep=world.pep, target=target
    )

    assert message.startswith("Pupil Premium Plus has been requested for this target")


def test_a_target_of_another_pep_is_refused(world):
    other = PepTargetFactory()

    assert (
        refused(workflow.target_delete, acting_user=world.teacher, pep=world.pep, target=other)
        == "That target belongs to another PEP."
    )


# --- Who is told -------------------------------------------------------------------------------


def test_submitting_tells_the_caseworker_and_social_worker_by_task_and_email(
    world, django_capture_on_commit_callbacks
):
    complete_pep(world.pep, world.teacher)
    Notification.objects.all().delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.pep_submit(acting_user=world.teacher, pep=world.pep)

    message = (
        "Robin Example’s Autumn term 2025/26 PEP was submitted for quality assurance by Tara Teach."
    )
    assert notified(world.pep) == {
        "social@example.org": [message],
        "caseworker@example.org": [message],
    }
    assert sorted(email.to[0] for email in mail.outbox) == [
        "caseworker@example.org",
        "social@example.org",
    ]
    email = mail.outbox[0]
    assert email.subject == "Exampleshire Virtual School: A PEP is waiting for quality assurance"
    assert "Robin" not in email.subject and "Example" not in email.subject.split(":")[1]
    assert f"Open the PEP: {settings.SITE_URL}/peps/{world.pep.pk}/" in email.body
    assert message in email.body


def test_returning_and_approving_tell_the_designated_teachers_and_social_worker(
    submitted, world, django_capture_on_commit_callbacks
):
    second_teacher = DesignatedTeacherFactory(
        school=world.school, user__email="deputy@example.org"
    ).user
    DesignatedTeacherFactory(user__email="elsewhere@example.org")  # another school's teacher
    Notification.objects.all().delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.pep_return(
            acting_user=world.caseworker, pep=world.pep, reason="Add a target.", feedback={}
        )

    told = notified(world.pep)
    assert sorted(told) == ["deputy@example.org", "social@example.org", "teacher@example.org"]
    assert told["teacher@example.org"] == [
        "Robin Example’s Autumn term 2025/26 PEP was returned to the school by Carl Case: "
        "Add a target."
    ]
    assert {email.subject for email in mail.outbox} == {
        "Exampleshire Virtual School: A PEP has been returned to the school"
    }
    assert second_teacher.notifications.count() == 1


def test_the_person_who_acts_is_not_told_of_their_own_action(world):
    # The social worker starts the PEP by writing the care section.
    complete_section(world.pep, "care", world.social_worker)

    assert not Notification.objects.filter(user=world.social_worker).exists()


def test_no_email_is_sent_when_the_change_fails(world, django_capture_on_commit_callbacks):
    complete_section(world.pep, "views", world.teacher)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        workflow.pep_submit(acting_user=world.teacher, pep=world.pep)

    assert mail.outbox == []


def test_a_designated_teacher_cannot_change_another_schools_pep(world):
    other = DesignatedTeacherFactory().user

    assert (
        refused(
            workflow.section_save,
            acting_user=other,
            pep=world.pep,
            key="views",
            answers={},
            completed=False,
        )
        == "You cannot see this PEP."
    )


def test_a_governor_can_do_nothing_to_a_pep(world):
    governor = UserFactory(role=Role.GOVERNOR)

    assert refused(workflow.pep_submit, acting_user=governor, pep=world.pep)
    assert refused(
        workflow.section_save,
        acting_user=governor,
        pep=world.pep,
        key="views",
        answers={},
        completed=False,
    )
