"""Factories for the scheduling, quality-check and dashboard tests (helper F's PEP fixtures
live in conftest.py, G's in ppplus_factories.py; these are separate on purpose)."""

import datetime

import factory

from peps.models import (
    Pep,
    PepKind,
    PepSection,
    PepStatus,
    PepTarget,
    PepVariant,
    TermDeadline,
)
from pupils.models import Cohort
from tests.factories import (
    ChildFactory,
    CohortMembershipFactory,
    EnrolmentFactory,
    SchoolFactory,
)


class PepFactory(factory.django.DjangoModelFactory):
    """An autumn 2025 termly PEP, not started, at a school."""

    class Meta:
        model = Pep

    child = factory.SubFactory(ChildFactory)
    school = factory.SubFactory(SchoolFactory)
    kind = PepKind.TERMLY
    variant = PepVariant.SCHOOL_AGE
    academic_year = 2025
    term = "autumn"
    version = 1
    status = PepStatus.NOT_STARTED
    due_date = datetime.date(2025, 11, 28)


class PepSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PepSection

    pep = factory.SubFactory(PepFactory)
    key = "views"
    answers = factory.LazyFunction(dict)
    completed = True


class PepTargetFactory(factory.django.DjangoModelFactory):
    """A SMART target for the autumn term 2025."""

    class Meta:
        model = PepTarget

    pep = factory.SubFactory(PepFactory)
    area = "Reading"
    target = "Read a short chapter book independently"
    success_measure = "Reads 90 words a minute with 95% accuracy"
    actions = "Daily reading with a teaching assistant"
    who = "Class teacher"
    by_when = datetime.date(2025, 12, 12)
    position = factory.Sequence(lambda n: n)


class TermDeadlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TermDeadline

    academic_year = 2025
    term = "autumn"
    due_date = datetime.date(2025, 11, 21)


def child_in_care(
    *,
    born: datetime.date = datetime.date(2012, 1, 15),
    care_start: datetime.date = datetime.date(2022, 5, 1),
    school=None,
    enrolled: bool = True,
    **child,
):
    """A child in the child-in-care cohort since `care_start`, on a school's roll unless
    `enrolled` is False."""
    person = ChildFactory(date_of_birth=born, **child)
    CohortMembershipFactory(child=person, cohort=Cohort.CHILD_IN_CARE, start_date=care_start)
    if enrolled:
        EnrolmentFactory(
            child=person, school=school or SchoolFactory(), start_date=datetime.date(2023, 9, 1)
        )
    return person
