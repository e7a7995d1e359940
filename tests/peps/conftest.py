"""PEP factories and a small world: a child in care at a school, with a designated teacher,
a Virtual School caseworker and a social worker, and their autumn 2025 PEP. Dates are fixed
(the PEP's term is autumn 2025; "today" is frozen at 3 November 2025) so that tests read as
worked examples."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import factory
import pytest
import time_machine

from peps.forms import SectionForm
from peps.models import GrantYear, Pep, PepSection, PepTarget
from peps.sections import pep_sections, section_form
from peps.services import workflow
from pupils.models import AllocationRole
from tests.factories import (
    AllocationFactory,
    ChildFactory,
    DesignatedTeacherFactory,
    EnrolmentFactory,
    SchoolFactory,
)

D = datetime.date
TODAY = D(2025, 11, 3)


class PepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pep

    child = factory.SubFactory(ChildFactory)
    school = factory.SubFactory(SchoolFactory)
    kind = "termly"
    variant = "school_age"
    academic_year = 2025
    term = "autumn"
    due_date = D(2025, 11, 28)


class PepSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PepSection

    pep = factory.SubFactory(PepFactory)
    key = "views"
    answers = factory.LazyFunction(dict)
    completed = False


class PepTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PepTarget

    pep = factory.SubFactory(PepFactory)
    area = "Reading"
    target = "Read a book of his choice each week and talk about it with his key adult"
    success_measure = "Reads 90 words a minute with 95% accuracy on the termly check"
    actions = "Guided reading three times a week"
    who = "Class teacher and teaching assistant"
    by_when = D(2025, 12, 12)
    eef_approach = "targeted"


class GrantYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantYear
        django_get_or_create = ("start_year",)

    start_year = 2025
    grant_received = Decimal("263000.00")
    rate_per_child = Decimal("2630.00")
    termly_allocation = Decimal("600.00")


@pytest.fixture
def today():
    with time_machine.travel(datetime.datetime(2025, 11, 3, 10, 0), tick=False):
        yield TODAY


@pytest.fixture
def world(db, today, designated_teacher, caseworker, social_worker):
    """Robin Example, Year 9 at Example Academy, in care; their autumn 2025 PEP."""
    school = SchoolFactory(name="Example Academy")
    DesignatedTeacherFactory(user=designated_teacher, school=school)
    child = ChildFactory(legal_first_name="Robin", legal_last_name="Example")
    EnrolmentFactory(child=child, school=school, start_date=D(2023, 9, 1))
    AllocationFactory(child=child, user=caseworker, role=AllocationRole.CASEWORKER)
    AllocationFactory(child=child, user=social_worker, role=AllocationRole.SOCIAL_WORKER)
    pep = PepFactory(child=child, school=school)
    return SimpleNamespace(
        school=school,
        child=child,
        pep=pep,
        teacher=designated_teacher,
        caseworker=caseworker,
        social_worker=social_worker,
    )


# Answers that complete each section, as a teacher would type them into its form.
SECTION_DATA = {
    "views": {"child_views": "I like science because we do experiments."},
    "attendance": {"explanation": ""},
    "attainment": {
        "subject_1": "English",
        "working_at_1": "Grade 4",
        "target_1": "Grade 5",
        "progress_1": "yes",
        "subject_2": "Maths",
        "working_at_2": "Grade 3",
        "target_2": "Grade 5",
        "progress_2": "no",
    },
    "sen": {"support": "Literacy group twice a week."},
    "wellbeing": {"wellbeing": "Settled, with two good friends.", "what_helps": "A quiet start."},
    "early_years": {"milestones": "Talks in short sentences.", "eypp": "yes"},
    "transitions": {
        "next_steps": "College to study engineering.",
        "course": "BTEC engineering at Example College",
        "pathway": "Apprenticeship next year",
        "current_activity": "Volunteering two days a week",
        "plan": "Traineeship from January",
    },
    "meeting": {
        "meeting_date_0": "20",
        "meeting_date_1": "10",
        "meeting_date_2": "2025",
        "attended": "Robin, Tara Teach (designated teacher), Sam Social (social worker)",
    },
    "care": {"placement": "No changes."},
}


def complete_section(pep: Pep, key: str, user, completed: bool = True) -> PepSection:
    """Fill in and save one section through its form and the workflow, as the page does."""
    spec = next(view.spec for view in pep_sections(pep) if view.spec.key == key)
    if key == "targets":
        if not pep.targets.exists():
            PepTargetFactory(pep=pep)
            PepTargetFactory(pep=pep, area="Attendance", position=1)
        data = {}
    elif key == "previous_targets":
        data = {f"review_{t.pk}": "achieved" for t in pep.previous.targets.all()}
    else:
        data = dict(SECTION_DATA[key])
    data["completed"] = "yes" if completed else "no"
    form: SectionForm = section_form(spec, pep, None, data)
    assert form.is_valid(), form.errors
    if key == "previous_targets":
        return workflow.previous_targets_review(
            acting_user=user, pep=pep, reviews=form.reviews(), completed=form.is_completed
        )
    return workflow.section_save(
        acting_user=user, pep=pep, key=key, answers=form.answers(), completed=form.is_completed
    )


def complete_pep(pep: Pep, user) -> Pep:
    """Complete every section the school must complete."""
    for view in pep_sections(pep):
        if view.spec.required:
            complete_section(pep, view.spec.key, user)
    pep.refresh_from_db()
    return pep


@pytest.fixture
def submitted(world):
    complete_pep(world.pep, world.teacher)
    return workflow.pep_submit(acting_user=world.teacher, pep=world.pep)
