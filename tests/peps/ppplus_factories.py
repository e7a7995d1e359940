"""Factories for Pupil Premium Plus tests: grant years, PEPs with targets, requests, ledger
entries. (Helper F's PEP fixtures live in conftest.py; these are separate on purpose.)"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from peps.models import (
    EefApproach,
    GrantYear,
    LedgerCategory,
    LedgerEntry,
    Pep,
    PepKind,
    PepStatus,
    PepTarget,
    PepVariant,
    PpRequest,
)
from tests.factories import ChildFactory, SchoolFactory


class GrantYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantYear
        django_get_or_create = ("start_year",)

    start_year = 2025
    grant_received = Decimal("10000.00")
    rate_per_child = Decimal("2630.00")
    termly_allocation = Decimal("600.00")


class PepFactory(factory.django.DjangoModelFactory):
    """An autumn 2025 termly PEP, in progress at the child's school."""

    class Meta:
        model = Pep

    child = factory.SubFactory(ChildFactory)
    school = factory.SubFactory(SchoolFactory)
    kind = PepKind.TERMLY
    variant = PepVariant.SCHOOL_AGE
    academic_year = 2025
    term = "autumn"
    version = 1
    status = PepStatus.IN_PROGRESS
    due_date = datetime.date(2025, 12, 12)


class PepTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PepTarget

    pep = factory.SubFactory(PepFactory)
    area = "Maths"
    target = factory.Sequence(lambda n: f"Use column subtraction with exchange (target {n})")
    success_measure = "Scores 8 out of 10 on the end-of-unit test"
    actions = "Two tutoring sessions a week"
    who = "Maths tutor"
    by_when = datetime.date(2025, 12, 12)
    eef_approach = EefApproach.TARGETED


class PpRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PpRequest

    pep = factory.SubFactory(PepFactory)
    target = factory.SubFactory(PepTargetFactory, pep=factory.SelfAttribute("..pep"))
    amount = Decimal("400.00")
    purpose = "Ten one-to-one maths tutoring sessions"
    eef_approach = EefApproach.TARGETED


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LedgerEntry

    grant_year = factory.SubFactory(GrantYearFactory)
    category = LedgerCategory.TRAINING
    amount = Decimal("100.00")
    description = "Designated teacher training day"


def approve(pep: Pep, when: str | datetime.datetime | None = None) -> Pep:
    """Mark a PEP approved (as the workflow does before paying the allocation)."""
    if isinstance(when, str):
        when = datetime.datetime.fromisoformat(when)
    pep.status = PepStatus.APPROVED
    pep.approved_at = when or timezone.now()
    pep.save(update_fields=["status", "approved_at"])
    return pep
