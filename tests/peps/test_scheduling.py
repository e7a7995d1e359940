"""The daily PEP schedule: this term's PEP for every child in care from age 2 to Year 13, an
initial PEP 20 working days after a child comes into care, the variants, overdue
notifications, and re-running safely.

Unless a test says otherwise, today is Wednesday 5 November 2025, in the autumn term of 2025/26.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peps.models import Notification, Pep, PepKind, PepStatus, PepTransition, PepVariant
from peps.selectors import overdue
from peps.services.scheduling import (
    default_term_deadline,
    pep_schedule_run,
    term_deadline_set,
)
from peps.tasks import pep_schedule
from pupils.models import AllocationRole, Cohort
from tests.factories import (
    AllocationFactory,
    ChildFactory,
    CohortMembershipFactory,
    DesignatedTeacherFactory,
    SchoolFactory,
    UserFactory,
)
from tests.peps.scheduling_factories import PepFactory, TermDeadlineFactory, child_in_care
from vschool.accounts.models import Role
from vschool.dates import term_from_slug

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 11, 5)


def run(today=TODAY):
    return pep_schedule_run(today=today)


# --- Termly PEPs --------------------------------------------------------------------------------


def test_a_child_in_care_gets_this_terms_pep_once_with_the_virtual_schools_deadline():
    school = SchoolFactory()
    child = child_in_care(school=school)
    TermDeadlineFactory(academic_year=2025, term="autumn", due_date=D(2025, 11, 21))

    result = run()
    again = run()

    pep = Pep.objects.get(child=child)
    assert (pep.kind, pep.academic_year, pep.term) == (PepKind.TERMLY, 2025, "autumn")
    assert pep.due_date == D(2025, 11, 21)
    assert pep.school == school
    assert pep.status == PepStatus.NOT_STARTED
    assert result.termly_created == 1
    assert again.as_dict() == {
        "termly_created": 0,
        "initial_created": 0,
        "previous_updated": 0,
        "overdue_notifications": 0,
    }
    assert Pep.objects.count() == 1
    transition = PepTransition.objects.get(pep=pep)
    assert (transition.from_status, transition.to_status, transition.by) == (
        "",
        "not_started",
        None,
    )


def test_without_a_deadline_the_pep_is_due_three_school_weeks_before_the_term_ends():
    # Last school day Friday 19 December 2025, less 15 working days.
    child_in_care()
    run()
    assert Pep.objects.get().due_date == D(2025, 11, 28)


@pytest.mark.parametrize(
    ("slug", "due"),
    [
        # Friday 19 December less 15 working days.
        ("2025-autumn", D(2025, 11, 28)),
        # Easter Sunday 5 April 2026: Good Friday is a bank holiday, so the last school day is
        # Thursday 2 April; 15 working days before it is Thursday 12 March.
        ("2025-spring", D(2026, 3, 12)),
        # Monday 20 July 2026 less 15 working days.
        ("2025-summer", D(2026, 6, 29)),
    ],
)
def test_default_deadlines(slug, due):
    assert default_term_deadline(term_from_slug(slug)) == due


def test_the_new_pep_reviews_the_childs_latest_approved_pep():
    child = child_in_care()
    PepFactory(
        child=child, academic_year=2024, term="summer", status="approved", due_date=D(2025, 6, 1)
    )
    latest = PepFactory(
        child=child,
        academic_year=2025,
        term="autumn",
        kind="initial",
        status="approved",
        due_date=D(2025, 9, 20),
    )
    PepFactory(
        child=child, academic_year=2024, term="spring", status="submitted", due_date=D(2026, 3, 1)
    )
    with time_machine.travel(D(2026, 1, 5), tick=False):
        run(D(2026, 1, 5))
    pep = Pep.objects.get(child=child, term="spring", academic_year=2025)
    assert pep.previous == latest


def test_a_pep_not_started_is_linked_to_last_terms_pep_once_that_is_approved():
    child = child_in_care()
    run()
    autumn = Pep.objects.get(child=child)
    summer = PepFactory(child=child, academic_year=2024, term="summer", status="submitted")
    assert run().previous_updated == 0

    summer.status = PepStatus.APPROVED
    summer.save()
    assert run().previous_updated == 1
    autumn.refresh_from_db()
    assert autumn.previous == summer


def test_children_not_in_care_today_get_no_pep():
    left = ChildFactory()
    CohortMembershipFactory(
        child=left, cohort=Cohort.CHILD_IN_CARE, start_date=D(2020, 1, 1), end_date=D(2025, 10, 31)
    )
    adopted = ChildFactory()
    CohortMembershipFactory(
        child=adopted,
        cohort=Cohort.PREVIOUSLY_LOOKED_AFTER,
        start_date=D(2024, 1, 1),
        plac_route="adopted",
    )
    run()
    assert not Pep.objects.exists()


# --- Variants and the age range ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "enrolled", "variant"),
    [
        (D(2023, 11, 5), False, PepVariant.EARLY_YEARS),  # two today
        (D(2022, 3, 1), True, PepVariant.EARLY_YEARS),  # nursery
        (D(2021, 3, 1), True, PepVariant.SCHOOL_AGE),  # Reception
        (D(2010, 3, 1), False, PepVariant.SCHOOL_AGE),  # Year 11, missing education
        (D(2009, 3, 1), True, PepVariant.POST_16),  # Year 12 at college
        (D(2008, 3, 1), False, PepVariant.NEET),  # Year 13, not enrolled anywhere
    ],
)
def test_the_variant_follows_the_year_group_and_enrolment(born, enrolled, variant):
    child_in_care(born=born, enrolled=enrolled)
    run()
    pep = Pep.objects.get()
    assert pep.variant == variant
    assert (pep.school_id is not None) is enrolled


@pytest.mark.parametrize(
    "born",
    [
        D(2023, 11, 6),  # two tomorrow
        D(2007, 3, 1),  # past Year 13
    ],
)
def test_children_outside_early_years_to_year_13_get_no_pep(born):
    child_in_care(born=born)
    run()
    assert not Pep.objects.exists()


def test_year_group_allows_for_a_child_taught_out_of_their_age_group():
    # Born in Year 14's cohort but taught a year below, in Year 13.
    child_in_care(born=D(2007, 3, 1), year_group_adjustment=-1, enrolled=False)
    run()
    assert Pep.objects.get().variant == PepVariant.NEET


# --- Initial PEPs -------------------------------------------------------------------------------


def test_initial_pep_is_due_20_working_days_after_care_starts_across_christmas():
    # Care starts Thursday 18 December 2025; 25 and 26 December and 1 January are bank
    # holidays, so the 20th working day after is Tuesday 20 January 2026.
    child = child_in_care(care_start=D(2025, 12, 18))
    result = run(D(2025, 12, 19))

    initial = Pep.objects.get(child=child, kind=PepKind.INITIAL)
    assert initial.due_date == D(2026, 1, 20)
    # It is the PEP of the term it is due in, and stands for that term's PEP...
    assert (initial.academic_year, initial.term) == (2025, "spring")
    assert result.initial_created == 1
    # ... and for the autumn term's, which would otherwise be already overdue.
    assert result.termly_created == 0
    run(D(2026, 1, 5))
    assert not Pep.objects.filter(child=child, kind=PepKind.TERMLY).exists()
    assert Pep.objects.filter(child=child).count() == 1


def test_a_child_new_into_care_gets_one_initial_pep_and_the_next_terms_pep_later():
    child = child_in_care(care_start=D(2025, 10, 1))
    run()
    run()
    initial = Pep.objects.get(child=child)
    # 20 working days after Wednesday 1 October 2025 (no bank holidays): Wednesday 29 October.
    assert (initial.kind, initial.due_date) == (PepKind.INITIAL, D(2025, 10, 29))

    run(D(2026, 1, 2))
    spring = Pep.objects.get(child=child, kind=PepKind.TERMLY)
    assert (spring.academic_year, spring.term) == (2025, "spring")


def test_an_initial_pep_due_last_term_does_not_stand_for_this_terms_pep():
    # Care began on Monday 3 November 2025: the initial PEP, first scheduled on 2 January,
    # was due on 1 December, in the autumn term; the spring term still needs its own PEP.
    child = child_in_care(care_start=D(2025, 11, 3))
    run(D(2026, 1, 2))
    assert {(pep.kind, pep.term) for pep in Pep.objects.filter(child=child)} == {
        (PepKind.INITIAL, "autumn"),
        (PepKind.TERMLY, "spring"),
    }


def test_no_initial_pep_for_care_that_began_more_than_60_days_ago():
    child_in_care(care_start=D(2025, 9, 5))  # 61 days before today
    run()
    assert Pep.objects.get().kind == PepKind.TERMLY


def test_a_child_returning_to_care_gets_a_new_initial_pep():
    child = child_in_care(care_start=D(2025, 10, 20))
    PepFactory(
        child=child,
        kind=PepKind.INITIAL,
        academic_year=2024,
        term="summer",
        due_date=D(2025, 5, 1),
        status=PepStatus.APPROVED,
    )
    run()
    assert Pep.objects.filter(child=child, kind=PepKind.INITIAL).count() == 2


# --- Overdue ------------------------------------------------------------------------------------


def test_overdue_is_past_the_due_date_and_not_submitted():
    late = PepFactory(due_date=D(2025, 11, 4), status=PepStatus.IN_PROGRESS)
    returned = PepFactory(due_date=D(2025, 11, 4), status=PepStatus.RETURNED)
    PepFactory(due_date=D(2025, 11, 4), status=PepStatus.SUBMITTED)
    PepFactory(due_date=D(2025, 11, 4), status=PepStatus.APPROVED)
    PepFactory(due_date=TODAY, status=PepStatus.NOT_STARTED)
    assert set(overdue(TODAY)) == {late, returned}


def test_designated_teachers_and_the_caseworker_are_told_once_when_a_pep_is_overdue():
    school = SchoolFactory()
    teacher = DesignatedTeacherFactory(school=school).user
    DesignatedTeacherFactory(school=school, start_date=D(2020, 9, 1), end_date=D(2024, 7, 31))
    child = child_in_care(school=school, legal_first_name="Amy", legal_last_name="Ash")
    caseworker = AllocationFactory(child=child).user
    AllocationFactory(
        child=child,
        role=AllocationRole.SOCIAL_WORKER,
        user=UserFactory(role=Role.SOCIAL_WORKER),
    )
    PepFactory(child=child, school=school, due_date=D(2025, 11, 28))

    assert run(D(2025, 11, 28)).overdue_notifications == 0  # due today: not yet overdue
    first = run(D(2025, 12, 1))
    second = run(D(2025, 12, 2))

    notes = Notification.objects.order_by("user_id")
    assert {note.user for note in notes} == {teacher, caseworker}
    assert notes[0].message == (
        "Overdue: the Autumn term 2025/26 PEP for Amy Ash was due on 28 November 2025 and "
        "has not been submitted."
    )
    assert (first.overdue_notifications, second.overdue_notifications) == (2, 0)


def test_a_caseworker_allocated_later_is_told_too_but_no_one_twice():
    child = child_in_care()
    PepFactory(child=child, due_date=D(2025, 11, 3))
    assert run().overdue_notifications == 0  # nobody to tell
    AllocationFactory(child=child, start_date=D(2025, 11, 5))
    assert run().overdue_notifications == 1
    assert run().overdue_notifications == 0


def test_submitted_peps_are_not_overdue_and_nobody_is_told():
    school = SchoolFactory()
    DesignatedTeacherFactory(school=school)
    PepFactory(school=school, due_date=D(2025, 11, 3), status=PepStatus.SUBMITTED)
    assert run().overdue_notifications == 0


# --- Scale, the task and the command -------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_number_of_children():
    def queries_for(count: int) -> int:
        for _ in range(count):
            child = child_in_care()
            AllocationFactory(child=child)
        PepFactory.create_batch(count, due_date=D(2025, 10, 1))
        with CaptureQueriesContext(connection) as context:
            run()
        Pep.objects.all().delete()
        return len(context.captured_queries)

    assert queries_for(2) == queries_for(8)


def test_the_daily_task_runs_the_schedule_for_today():
    child_in_care()
    with time_machine.travel(
        timezone.make_aware(datetime.datetime(2025, 11, 5, 6, 30)), tick=False
    ):
        result = pep_schedule.apply().get()
    assert result["termly_created"] == 1


def test_the_management_command_is_safe_to_re_run(capsys):
    child_in_care()
    call_command("schedule_peps", "--date", "2025-11-05")
    call_command("schedule_peps", "--date", "2025-11-05")
    out = capsys.readouterr().out
    assert "1 termly" in out
    assert "0 termly, 0 initial" in out
    assert Pep.objects.count() == 1


# --- Deadlines ----------------------------------------------------------------------------------


def test_setting_a_deadline_moves_the_terms_peps_not_yet_completed(head):
    term = term_from_slug("2025-autumn")
    open_pep = PepFactory(due_date=D(2025, 11, 28), status=PepStatus.IN_PROGRESS)
    done = PepFactory(due_date=D(2025, 11, 28), status=PepStatus.SUBMITTED)
    initial = PepFactory(kind=PepKind.INITIAL, due_date=D(2025, 11, 10))

    term_deadline_set(acting_user=head, term=term, due_date=D(2025, 12, 5))

    for pep in (open_pep, done, initial):
        pep.refresh_from_db()
    assert (open_pep.due_date, done.due_date, initial.due_date) == (
        D(2025, 12, 5),
        D(2025, 11, 28),
        D(2025, 11, 10),
    )
    child_in_care()
    run()
    assert Pep.objects.latest("pk").due_date == D(2025, 12, 5)


def test_a_deadline_must_fall_within_its_term(head):
    with pytest.raises(ValidationError) as error:
        term_deadline_set(
            acting_user=head, term=term_from_slug("2025-autumn"), due_date=D(2026, 1, 9)
        )
    assert error.value.message_dict["due_date"] == [
        "The deadline must be in the autumn term, between 1 September 2025 and 31 December 2025"
    ]


def test_peps_overdue_for_more_than_a_fortnight_are_not_notified_at_go_live():
    child = child_in_care()
    AllocationFactory(child=child)
    PepFactory(child=child, academic_year=2024, term="summer", due_date=D(2025, 6, 27))
    PepFactory(child=child, due_date=D(2025, 10, 22))  # 14 days before today
    assert run().overdue_notifications == 1
    assert Notification.objects.get().pep.due_date == D(2025, 10, 22)
