"""The sections of a PEP (peps.sections, peps.forms): which sections each variant has, that
each one saves what the teacher typed, the attendance filled in from the register and frozen
at submission, and the review of the previous PEP's targets."""

import datetime

import pytest

from outcomes.models import AttendanceDay, Suspension
from peps.models import PepStatus
from peps.sections import attendance_now, pep_sections, section_form, section_spec, sections_for
from peps.services import workflow
from tests.factories import AllocationFactory, ChildFactory, EnrolmentFactory, SenRecordFactory
from tests.peps.conftest import (
    SECTION_DATA,
    PepFactory,
    PepTargetFactory,
    complete_pep,
    complete_section,
)
from vschool.dates import weekdays

D = datetime.date


def titles(pep) -> list[str]:
    return [spec.title for spec in sections_for(pep)]


# --- Which sections ----------------------------------------------------------------------------


def test_a_year_9_school_age_pep_has_the_school_age_sections_with_careers(world):
    assert titles(world.pep) == [
        "The child’s views",
        "Attendance and suspensions this term",
        "Attainment and progress",
        "Special educational needs and EHC plan",
        "Wellbeing and what helps",
        "SMART targets",
        "Transitions and careers",
        "Meeting date and who attended",
        "Care and placement",
    ]


def test_careers_start_in_year_9(db):
    year_8 = PepFactory(child=ChildFactory(date_of_birth=D(2013, 1, 15)))

    assert "Transitions and careers" not in titles(year_8)


def test_each_variant_has_its_own_sections(db):
    early = PepFactory(variant="early_years", child=ChildFactory(date_of_birth=D(2022, 3, 1)))
    post_16 = PepFactory(variant="post_16", child=ChildFactory(date_of_birth=D(2009, 3, 1)))
    neet = PepFactory(variant="neet", child=ChildFactory(date_of_birth=D(2009, 3, 1)))

    assert titles(early) == [
        "The child’s views",
        "Attendance and suspensions this term",
        "Development and Early Years Pupil Premium",
        "Special educational needs and EHC plan",
        "Wellbeing and what helps",
        "SMART targets",
        "Meeting date and who attended",
        "Care and placement",
    ]
    assert "Courses and progress" in titles(post_16)
    assert "Post-16 pathway" in titles(post_16)
    assert "Attendance and suspensions this term" not in titles(neet)
    assert "Education, employment or training plan" in titles(neet)


def test_a_pep_with_a_previous_one_reviews_its_targets(world):
    previous = PepFactory(
        child=world.child,
        school=world.school,
        academic_year=2024,
        term="summer",
        status=PepStatus.APPROVED,
    )
    pep = PepFactory(child=world.child, school=world.school, term="spring", previous=previous)

    assert "Review of the previous PEP’s targets" in titles(pep)
    assert "Review of the previous PEP’s targets" not in titles(world.pep)


def test_only_the_care_section_is_written_by_the_social_worker_and_it_is_optional(world):
    by_editor = {spec.key: (spec.editor, spec.required) for spec in sections_for(world.pep)}

    assert by_editor.pop("care") == ("care", False)
    assert set(by_editor.values()) == {("school", True)}


# --- Saving ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "born"),
    [
        ("early_years", D(2022, 3, 1)),
        ("school_age", D(2012, 1, 15)),
        ("post_16", D(2009, 3, 1)),
        ("neet", D(2009, 3, 1)),
    ],
)
def test_every_section_of_every_variant_saves_and_completes(world, variant, born):
    # A young person not in education is on no school's roll: the Virtual School writes it.
    school = None if variant == "neet" else world.school
    child = ChildFactory(date_of_birth=born)
    AllocationFactory(child=child, user=world.social_worker, role="social_worker")
    if school:
        EnrolmentFactory(child=child, school=school)
    pep = PepFactory(variant=variant, child=child, school=school)

    complete_pep(pep, world.caseworker if variant == "neet" else world.teacher)
    complete_section(pep, "care", world.social_worker)

    assert all(view.status == "Completed" for view in pep_sections(pep))
    assert pep.status == PepStatus.IN_PROGRESS


def test_a_section_stores_what_was_typed(world):
    complete_section(world.pep, "wellbeing", world.teacher)

    section = world.pep.sections.get(key="wellbeing")
    assert section.answers == {
        "wellbeing": "Settled, with two good friends.",
        "what_helps": "A quiet start.",
        "interests": "",
    }
    assert section.completed


def test_a_section_saves_with_gaps_until_it_is_marked_complete(world):
    spec = section_spec(world.pep, "views")

    draft = section_form(spec, world.pep, None, {"child_views": "", "completed": "no"})
    done = section_form(spec, world.pep, None, {"child_views": "", "completed": "yes"})

    assert draft.is_valid()
    assert not done.is_valid()
    assert done.errors == {"child_views": ["Enter the child’s views in their own words"]}


def test_completing_needs_the_question_answered(world):
    form = section_form(section_spec(world.pep, "views"), world.pep, None, {})

    assert form.errors == {"completed": ["Select whether you have completed this section"]}


def test_saved_answers_fill_the_form_in_again(world):
    complete_section(world.pep, "meeting", world.teacher)
    section = world.pep.sections.get(key="meeting")

    form = section_form(section_spec(world.pep, "meeting"), world.pep, section)

    assert form.initial["meeting_date"] == D(2025, 10, 20)
    assert form.initial["completed"] == "yes"
    assert section.answers["meeting_date"] == "2025-10-20"


def test_subjects_are_saved_as_rows_and_blank_rows_are_dropped(world):
    complete_section(world.pep, "attainment", world.teacher)

    answers = world.pep.sections.get(key="attainment").answers
    assert answers["subjects"] == [
        {"subject": "English", "working_at": "Grade 4", "target": "Grade 5", "progress": "yes"},
        {"subject": "Maths", "working_at": "Grade 3", "target": "Grade 5", "progress": "no"},
    ]
    # Two saved rows come back with three blank ones to add more.
    form = section_form(
        section_spec(world.pep, "attainment"), world.pep, world.pep.sections.get(key="attainment")
    )
    assert form.rows == 5
    assert form.initial["subject_2"] == "Maths"


def test_a_subject_row_needs_its_subject_and_progress(world):
    spec = section_spec(world.pep, "attainment")
    data = {
        "subject_1": "",
        "working_at_1": "Grade 4",
        "subject_2": "Science",
        "working_at_2": "Grade 5",
        "completed": "yes",
    }

    form = section_form(spec, world.pep, None, data)

    assert form.errors == {
        "subject_1": ["Enter the subject for subject 1"],
        "progress_2": ["Select whether the child is making expected progress in Science"],
    }


def test_the_sen_section_keeps_the_recorded_provision_with_its_answers(world):
    SenRecordFactory(
        child=world.child, provision="E", primary_need="SLCN", ehcp_issuing_la_code="999"
    )

    complete_section(world.pep, "sen", world.teacher)

    recorded = world.pep.sections.get(key="sen").answers["recorded"]
    assert recorded["provision"] == "Education, health and care plan"
    assert recorded["primary_need"] == "Speech, language and communication needs"


def test_an_impossible_meeting_date_is_refused(world):
    data = {
        **SECTION_DATA["meeting"],
        "meeting_date_0": "31",
        "meeting_date_1": "2",
        "completed": "yes",
    }

    form = section_form(section_spec(world.pep, "meeting"), world.pep, None, data)

    assert form.errors["meeting_date"] == ["The date of the PEP meeting must be a real date"]


# --- Attendance --------------------------------------------------------------------------------


def register(child, school, start: D, codes: list[tuple[str, str]]) -> None:
    days = weekdays(start, start + datetime.timedelta(days=len(codes) * 2))
    AttendanceDay.objects.bulk_create(
        AttendanceDay(child=child, date=day, school=school, am=am, pm=pm)
        for day, (am, pm) in zip(days, codes, strict=False)
    )


def test_attendance_is_filled_in_from_the_register_and_suspensions(world):
    # 20 days in the autumn term: 38 sessions present, 1 ill (authorised), 1 unauthorised.
    register(
        world.child, world.school, D(2025, 9, 8), [("/", "\\")] * 18 + [("I", "\\"), ("/", "O")]
    )
    # A day in the summer holiday before the term does not count.
    register(world.child, world.school, D(2025, 8, 29), [("O", "O")])
    Suspension.objects.create(
        child=world.child,
        school=world.school,
        kind="SUSP",
        start_date=D(2025, 10, 6),
        end_date=D(2025, 10, 7),
        sessions_lost=4,
    )

    figures = attendance_now(world.pep)

    assert (figures["possible"], figures["attended"]) == (40, 38)
    assert (figures["authorised"], figures["unauthorised"]) == (1, 1)
    assert figures["attendance_percent"] == "95.0"
    assert figures["suspensions"] == [
        {
            "kind": "Suspension",
            "start_date": "2025-10-06",
            "end_date": "2025-10-07",
            "sessions_lost": 4,
        }
    ]


def test_attendance_is_frozen_into_the_pep_when_it_is_submitted(world, client_for):
    register(world.child, world.school, D(2025, 9, 8), [("/", "\\")] * 10)
    complete_pep(world.pep, world.teacher)
    workflow.pep_submit(acting_user=world.teacher, pep=world.pep)

    # Marks that arrive after submission change the live figures, not the PEP.
    register(world.child, world.school, D(2025, 10, 6), [("O", "O")] * 10)

    frozen = world.pep.sections.get(key="attendance").answers["figures"]
    assert (frozen["possible"], frozen["attendance_percent"], frozen["frozen_on"]) == (
        20,
        "100.0",
        "2025-11-03",
    )
    assert attendance_now(world.pep)["attendance_percent"] == "50.0"
    page = client_for(world.caseworker).get(f"/peps/{world.pep.pk}/sections/attendance/")
    assert "100.0% (20 of 20 possible sessions)" in page.content.decode()


# --- The previous PEP's targets ----------------------------------------------------------------


def test_the_previous_peps_targets_are_reviewed_onto_those_targets(world):
    previous = PepFactory(
        child=world.child,
        school=world.school,
        academic_year=2024,
        term="summer",
        status=PepStatus.APPROVED,
        rating="green",
    )
    reading = PepTargetFactory(pep=previous, area="Reading")
    maths = PepTargetFactory(pep=previous, area="Maths", position=1)
    pep = PepFactory(
        child=world.child,
        school=world.school,
        term="spring",
        due_date=D(2026, 3, 13),
        previous=previous,
    )
    spec = section_spec(pep, "previous_targets")
    data = {
        f"review_{reading.pk}": "achieved",
        f"review_{maths.pk}": "partly",
        f"note_{maths.pk}": "Times tables secure up to 6",
        "completed": "yes",
    }
    form = section_form(spec, pep, None, data)
    assert form.is_valid(), form.errors

    workflow.previous_targets_review(
        acting_user=world.teacher, pep=pep, reviews=form.reviews(), completed=True
    )

    reading.refresh_from_db()
    maths.refresh_from_db()
    assert (reading.review, maths.review, maths.review_note) == (
        "achieved",
        "partly",
        "Times tables secure up to 6",
    )
    section = pep.sections.get(key="previous_targets")
    assert section.completed
    assert section.answers[f"review_{maths.pk}"] == "partly"
    previous.refresh_from_db()
    assert previous.status == PepStatus.APPROVED  # the approved PEP itself is unchanged


def test_every_previous_target_needs_a_review_to_complete_the_section(world):
    previous = PepFactory(
        child=world.child,
        school=world.school,
        academic_year=2024,
        term="summer",
        status=PepStatus.APPROVED,
    )
    PepTargetFactory(pep=previous)
    PepTargetFactory(pep=previous, position=1)
    pep = PepFactory(child=world.child, school=world.school, term="spring", previous=previous)

    form = section_form(section_spec(pep, "previous_targets"), pep, None, {"completed": "yes"})

    assert sorted(message for errors in form.errors.values() for message in errors) == [
        "Select whether target 1 was achieved",
        "Select whether target 2 was achieved",
    ]


def test_the_targets_section_needs_a_target_to_be_complete(world):
    form = section_form(section_spec(world.pep, "targets"), world.pep, None, {"completed": "yes"})

    assert form.errors == {"completed": ["Add at least one target before completing this section"]}
