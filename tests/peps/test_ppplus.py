"""Pupil Premium Plus services: grant years, the termly allocation on approval, requests and
the Head's decisions, the ledger's balance, and the overspend rule (including two approvals at
the same moment)."""

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from peps import ppplus_figures
from peps.models import (
    LedgerCategory,
    LedgerEntry,
    Notification,
    PepKind,
    PepStatus,
    PpRequestStatus,
)
from peps.services import ppplus
from peps.services.ppplus import (
    grant_year_create,
    grant_year_for,
    ledger_entry_add,
    pp_request_decide,
    pp_request_raise,
    ppplus_allocate_for_approved_pep,
)
from tests.factories import DesignatedTeacherFactory, SchoolFactory, UserFactory
from tests.peps.ppplus_factories import (
    GrantYearFactory,
    LedgerEntryFactory,
    PepFactory,
    PepTargetFactory,
    PpRequestFactory,
    approve,
)
from vschool.accounts.models import Role

TODAY = "2025-11-10 12:00 +00:00"


@pytest.fixture
def on_10_november():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def year(db):
    return GrantYearFactory(start_year=2025, grant_received=Decimal("10000.00"))


def message_of(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.messages)


def ledger_total() -> Decimal:
    return sum((entry.amount for entry in LedgerEntry.objects.all()), Decimal(0))


# --- Grant years ------------------------------------------------------------------------------


def test_a_grant_year_runs_from_april_to_march(year):
    assert grant_year_for(date(2025, 4, 1)) == year
    assert grant_year_for(date(2026, 3, 31)) == year
    assert grant_year_for(date(2025, 3, 31)) is None
    assert grant_year_for(date(2026, 4, 1)) is None


def test_virtual_school_adds_a_grant_year_with_its_policy(caseworker):
    added = grant_year_create(
        acting_user=caseworker,
        start_year=2026,
        grant_received=Decimal("500000.00"),
        rate_per_child=Decimal("2630.00"),
        termly_allocation=Decimal("650.00"),
    )
    assert str(added) == "2026-27"
    assert grant_year_for(date(2026, 9, 1)).termly_allocation == Decimal("650.00")


def test_the_same_grant_year_cannot_be_added_twice(caseworker, year):
    with pytest.raises(ValidationError) as error:
        grant_year_create(
            acting_user=caseworker,
            start_year=2025,
            grant_received=Decimal(1),
            rate_per_child=Decimal(1),
            termly_allocation=Decimal(0),
        )
    assert "2025-26 grant year is already recorded" in message_of(error)


def test_a_designated_teacher_cannot_add_a_grant_year(designated_teacher):
    with pytest.raises(ValidationError):
        grant_year_create(
            acting_user=designated_teacher,
            start_year=2025,
            grant_received=Decimal(1),
            rate_per_child=Decimal(1),
            termly_allocation=Decimal(0),
        )


# --- The termly allocation when a PEP is approved ---------------------------------------------


def test_approving_a_termly_pep_pays_the_termly_allocation_to_its_school(caseworker, year):
    pep = approve(PepFactory(), "2025-11-20 10:00+00:00")

    entry = ppplus_allocate_for_approved_pep(pep=pep, acting_user=caseworker)

    assert entry.amount == Decimal("600.00")
    assert entry.category == LedgerCategory.SCHOOL_ALLOCATION
    assert (entry.grant_year, entry.school, entry.child, entry.pep) == (
        year,
        pep.school,
        pep.child,
        pep,
    )
    assert entry.created_by == caseworker
    assert entry.overspend_authorised_by is None
    assert "autumn term 2025/26" in entry.description
    assert pep.child.legal_last_name not in entry.description  # finance sees descriptions


def test_the_allocation_is_the_grant_years_own_amount(caseworker):
    GrantYearFactory(start_year=2025, termly_allocation=Decimal("750.00"))
    pep = approve(PepFactory(), "2025-11-20 10:00+00:00")
    assert ppplus_allocate_for_approved_pep(pep=pep, acting_user=caseworker).amount == Decimal(
        "750.00"
    )


def test_the_allocation_comes_from_the_grant_year_of_the_approval_date(caseworker):
    GrantYearFactory(start_year=2025)
    april_year = GrantYearFactory(start_year=2026)
    # A spring 2025/26 PEP approved after the Easter holiday: the 2026-27 financial year.
    pep = approve(PepFactory(term="spring"), "2026-04-14 09:00+01:00")

    entry = ppplus_allocate_for_approved_pep(pep=pep, acting_user=caseworker)

    assert entry.grant_year == april_year


def test_the_allocation_is_paid_once_per_child_per_term(caseworker, year, on_10_november):
    first = approve(PepFactory(), "2025-11-20 10:00+00:00")
    paid = ppplus_allocate_for_approved_pep(pep=first, acting_user=caseworker)
    # The job or the approval runs again: nothing more is paid.
    assert ppplus_allocate_for_approved_pep(pep=first, acting_user=caseworker) == paid
    # A corrected version of the same term's PEP is approved: still one payment.
    second = approve(PepFactory(child=first.child, school=first.school, version=2))
    assert ppplus_allocate_for_approved_pep(pep=second, acting_user=caseworker) == paid
    assert LedgerEntry.objects.count() == 1

    # The next term's PEP is paid again.
    spring = approve(PepFactory(child=first.child, school=first.school, term="spring"))
    assert ppplus_allocate_for_approved_pep(pep=spring, acting_user=caseworker) != paid
    assert ledger_total() == Decimal("1200.00")


def test_an_initial_pep_has_no_automatic_allocation(caseworker, year):
    pep = approve(PepFactory(kind=PepKind.INITIAL))
    assert ppplus_allocate_for_approved_pep(pep=pep, acting_user=caseworker) is None
    assert not LedgerEntry.objects.exists()


def test_a_pep_with_no_school_has_no_allocation(caseworker, year):
    pep = approve(PepFactory(school=None))
    assert ppplus_allocate_for_approved_pep(pep=pep, acting_user=caseworker) is None


def test_the_allocation_is_only_for_an_approved_pep(caseworker, year):
    with pytest.raises(ValueError):
        ppplus_allocate_for_approved_pep(pep=PepFactory(), acting_user=caseworker)


def test_an_allocation_that_would_overspend_is_not_paid_and_the_head_is_told(
    caseworker, head, on_10_november
):
    year = GrantYearFactory(grant_received=Decimal("1000.00"))
    LedgerEntryFactory(grant_year=year, amount=Decimal("500.00"))
    pep = approve(PepFactory())

    assert ppplus_allocate_for_approved_pep(pep=pep, acting_user=caseworker) is None

    assert ledger_total() == Decimal("500.00")
    pep.refresh_from_db()
    assert pep.status == PepStatus.APPROVED  # the approval itself stands
    (notice,) = Notification.objects.filter(user=head)
    assert notice.pep == pep
    assert "£600.00" in notice.message
    assert "not paid" in notice.message
    assert "authorise the overspend" in notice.message


def test_without_a_grant_year_nothing_is_paid_and_the_head_is_told(
    caseworker, head, on_10_november
):
    pep = approve(PepFactory())
    assert ppplus_allocate_for_approved_pep(pep=pep, acting_user=caseworker) is None
    assert not LedgerEntry.objects.exists()
    assert "no 2025-26 grant year" in Notification.objects.get(user=head).message


# --- Requests ---------------------------------------------------------------------------------


@pytest.fixture
def school(db):
    return SchoolFactory()


@pytest.fixture
def teacher(designated_teacher, school):
    DesignatedTeacherFactory(user=designated_teacher, school=school)
    return designated_teacher


def raise_request(user, pep, target=None, **changes):
    fields = {
        "amount": Decimal("400.00"),
        "purpose": "Ten one-to-one maths tutoring sessions",
        "eef_approach": "targeted",
        **changes,
    }
    target = target or PepTargetFactory(pep=pep)
    return pp_request_raise(acting_user=user, pep=pep, target=target, **fields)


def test_the_designated_teacher_raises_a_request_against_a_target(teacher, school, on_10_november):
    pep = PepFactory(school=school)
    target = PepTargetFactory(pep=pep)

    request = raise_request(teacher, pep, target)

    assert request.status == PpRequestStatus.PENDING
    assert (request.pep, request.target, request.amount) == (pep, target, Decimal("400.00"))


def test_a_request_must_be_for_a_target_of_that_pep(teacher, school):
    pep = PepFactory(school=school)
    elsewhere = PepTargetFactory(pep=PepFactory(school=school))
    with pytest.raises(ValidationError) as error:
        raise_request(teacher, pep, elsewhere)
    assert "Choose the target in this PEP" in message_of(error)


def test_a_teacher_cannot_raise_a_request_for_another_schools_pep(teacher):
    with pytest.raises(ValidationError):
        raise_request(teacher, PepFactory(school=SchoolFactory()))


@pytest.mark.parametrize("status", [PepStatus.SUBMITTED, PepStatus.APPROVED])
def test_a_teacher_cannot_raise_a_request_once_the_pep_is_submitted(teacher, school, status):
    with pytest.raises(ValidationError) as error:
        raise_request(teacher, PepFactory(school=school, status=status))
    assert "submitted" in message_of(error) or "approved" in message_of(error)


def test_a_teacher_can_raise_a_request_when_the_pep_is_returned(teacher, school):
    request = raise_request(teacher, PepFactory(school=school, status=PepStatus.RETURNED))
    assert request.status == PpRequestStatus.PENDING


def test_the_virtual_school_raises_requests_only_while_reviewing(caseworker):
    assert raise_request(caseworker, PepFactory(status=PepStatus.SUBMITTED)).pk
    with pytest.raises(ValidationError):
        raise_request(caseworker, PepFactory(status=PepStatus.IN_PROGRESS))


def test_a_social_worker_cannot_raise_a_request(social_worker):
    with pytest.raises(ValidationError):
        raise_request(social_worker, PepFactory(status=PepStatus.IN_PROGRESS))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": Decimal("0")}, "The amount must be more than £0"),
        ({"purpose": "  "}, "Enter what the money will pay for"),
        ({"eef_approach": "magic"}, "Choose the EEF approach"),
    ],
)
def test_a_request_needs_an_amount_a_purpose_and_an_approach(teacher, school, changes, message):
    with pytest.raises(ValidationError) as error:
        raise_request(teacher, PepFactory(school=school), **changes)
    assert message in message_of(error)


# --- Decisions --------------------------------------------------------------------------------


def test_the_head_approves_a_request_and_the_school_is_paid(head, year, on_10_november):
    request = PpRequestFactory(amount=Decimal("450.00"))

    decided = pp_request_decide(acting_user=head, request=request, decision="approved")

    assert decided.status == PpRequestStatus.APPROVED
    assert decided.amount_approved == Decimal("450.00")
    assert decided.decided_by == head
    entry = decided.ledger_entry
    assert entry.amount == Decimal("450.00")
    assert entry.category == LedgerCategory.SCHOOL_ALLOCATION
    assert (entry.grant_year, entry.pep, entry.child, entry.school) == (
        year,
        request.pep,
        request.pep.child,
        request.pep.school,
    )


def test_the_schools_designated_teacher_is_told_of_the_decision(
    head, teacher, school, year, on_10_november
):
    request = PpRequestFactory(pep=PepFactory(school=school), amount=Decimal("800.00"))
    pp_request_decide(
        acting_user=head,
        request=request,
        decision="part_approved",
        amount_approved=Decimal("300.00"),
        reason="Six sessions are enough to start",
    )
    (notice,) = Notification.objects.filter(user=teacher)
    assert "part approved: £300.00" in notice.message
    assert "Six sessions are enough to start" in notice.message


def test_a_caseworker_cannot_decide_a_request(caseworker, year):
    request = PpRequestFactory()
    with pytest.raises(ValidationError) as error:
        pp_request_decide(acting_user=caseworker, request=request, decision="approved")
    assert "Only the Virtual School Head" in message_of(error)
    request.refresh_from_db()
    assert request.status == PpRequestStatus.PENDING
    assert not LedgerEntry.objects.exists()


def test_part_approval_pays_the_amount_approved(head, year, on_10_november):
    request = PpRequestFactory(amount=Decimal("800.00"))
    pp_request_decide(
        acting_user=head,
        request=request,
        decision="part_approved",
        amount_approved=Decimal("300.00"),
        reason="Six sessions are enough to start",
    )
    request.refresh_from_db()
    assert request.status == PpRequestStatus.PART_APPROVED
    assert request.decision_reason == "Six sessions are enough to start"
    assert request.ledger_entry.amount == Decimal("300.00")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"decision": "part_approved", "amount_approved": Decimal("300")}, "Enter the reason"),
        ({"decision": "part_approved", "reason": "Too much"}, "Enter the amount approved"),
        (
            {"decision": "part_approved", "amount_approved": Decimal("800"), "reason": "x"},
            "must be less than the £800.00 asked for",
        ),
        ({"decision": "declined"}, "Enter the reason"),
        ({"decision": "pending"}, "Choose whether to approve"),
    ],
)
def test_a_decision_must_make_sense(head, year, on_10_november, fields, message):
    request = PpRequestFactory(amount=Decimal("800.00"))
    with pytest.raises(ValidationError) as error:
        pp_request_decide(acting_user=head, request=request, **fields)
    assert message in message_of(error)
    request.refresh_from_db()
    assert request.status == PpRequestStatus.PENDING


def test_a_declined_request_pays_nothing(head, year, on_10_november):
    request = PpRequestFactory()
    pp_request_decide(
        acting_user=head, request=request, decision="declined", reason="Not linked to need"
    )
    request.refresh_from_db()
    assert request.status == PpRequestStatus.DECLINED
    assert request.amount_approved is None
    assert not LedgerEntry.objects.exists()


def test_a_request_is_decided_only_once(head, year, on_10_november):
    request = PpRequestFactory()
    pp_request_decide(acting_user=head, request=request, decision="approved")
    with pytest.raises(ValidationError) as error:
        pp_request_decide(acting_user=head, request=request, decision="approved")
    assert "already been decided" in message_of(error)
    assert LedgerEntry.objects.count() == 1


def test_a_request_cannot_be_approved_without_a_grant_year(head, on_10_november):
    request = PpRequestFactory()
    with pytest.raises(ValidationError) as error:
        pp_request_decide(acting_user=head, request=request, decision="approved")
    assert "no 2025-26 grant year" in message_of(error)
    request.refresh_from_db()
    assert request.status == PpRequestStatus.PENDING


# --- The ledger and its balance ---------------------------------------------------------------


def test_the_balance_after_a_year_of_payments(head, caseworker, on_10_november):
    """Grant £10,000. Two termly allocations (£600 + £600), a request approved (£450), one
    part approved (£300 of £800), one declined (£200, nothing paid), training £1,250.50,
    centrally retained £2,000 and direct support £175.25: committed £5,375.75, balance
    £4,624.25."""
    year = GrantYearFactory(grant_received=Decimal("10000.00"))
    for pep in (PepFactory(), PepFactory()):
        ppplus_allocate_for_approved_pep(pep=approve(pep), acting_user=caseworker)
    pp_request_decide(
        acting_user=head, request=PpRequestFactory(amount=Decimal("450")), decision="approved"
    )
    pp_request_decide(
        acting_user=head,
        request=PpRequestFactory(amount=Decimal("800")),
        decision="part_approved",
        amount_approved=Decimal("300"),
        reason="Start with six sessions",
    )
    pp_request_decide(
        acting_user=head,
        request=PpRequestFactory(amount=Decimal("200")),
        decision="declined",
        reason="Not linked to need",
    )
    for category, amount in (
        (LedgerCategory.TRAINING, "1250.50"),
        (LedgerCategory.CENTRALLY_RETAINED, "2000"),
        (LedgerCategory.DIRECT_SUPPORT, "175.25"),
    ):
        ledger_entry_add(
            acting_user=caseworker,
            grant_year=year,
            category=category,
            amount=Decimal(amount),
            description="Spending",
        )

    assert ppplus_figures.committed(year).value == Decimal("5375.75")
    assert ppplus_figures.balance(year).value == Decimal("4624.25")
    assert ppplus_figures.committed(year).entries.count() == 7


def test_a_school_allocation_entered_by_hand_needs_a_school(caseworker, year):
    with pytest.raises(ValidationError) as error:
        ledger_entry_add(
            acting_user=caseworker,
            grant_year=year,
            category=LedgerCategory.SCHOOL_ALLOCATION,
            amount=Decimal("600"),
            description="Allocation not paid in March",
        )
    assert "URN of the school" in message_of(error)


def test_training_is_not_recorded_against_one_child(caseworker, year):
    with pytest.raises(ValidationError):
        ledger_entry_add(
            acting_user=caseworker,
            grant_year=year,
            category=LedgerCategory.TRAINING,
            amount=Decimal("100"),
            description="Training",
            child=PepFactory().child,
        )


# --- The overspend rule -----------------------------------------------------------------------


@pytest.fixture
def nearly_spent(db):
    """£1,000 received, £700 committed: £300 left."""
    year = GrantYearFactory(grant_received=Decimal("1000.00"))
    LedgerEntryFactory(grant_year=year, amount=Decimal("700.00"))
    return year


def add_entry(user, year, amount, **extra):
    return ledger_entry_add(
        acting_user=user,
        grant_year=year,
        category=LedgerCategory.CENTRALLY_RETAINED,
        amount=Decimal(amount),
        description="Whole-cohort tutoring programme",
        **extra,
    )


def test_an_entry_may_spend_exactly_what_is_left(caseworker, nearly_spent):
    add_entry(caseworker, nearly_spent, "300.00")
    assert ppplus_figures.balance(nearly_spent).value == Decimal("0.00")


def test_an_entry_that_would_overspend_is_refused(caseworker, nearly_spent):
    with pytest.raises(ValidationError) as error:
        add_entry(caseworker, nearly_spent, "300.01")
    assert "£300.01 is more than the £300.00 left of the 2025-26 grant" in message_of(error)
    assert "Only the Virtual School Head can authorise an overspend" in message_of(error)
    assert ledger_total() == Decimal("700.00")


def test_the_head_must_say_so_to_overspend(head, nearly_spent):
    with pytest.raises(ValidationError) as error:
        add_entry(head, nearly_spent, "500.00")
    assert "To go over the grant, tick “Authorise an overspend”" in message_of(error)
    assert ledger_total() == Decimal("700.00")


def test_the_heads_override_is_recorded_on_the_entry(head, nearly_spent):
    entry = add_entry(head, nearly_spent, "500.00", override=True)
    assert entry.overspend_authorised_by == head
    assert ppplus_figures.balance(nearly_spent).value == Decimal("-200.00")


def test_an_override_within_budget_records_no_overspend(head, nearly_spent):
    assert add_entry(head, nearly_spent, "100.00", override=True).overspend_authorised_by is None


def test_only_the_head_can_authorise_an_overspend(caseworker, nearly_spent):
    with pytest.raises(ValidationError) as error:
        add_entry(caseworker, nearly_spent, "500.00", override=True)
    assert "Only the Virtual School Head can authorise an overspend" in message_of(error)


def test_approving_a_request_follows_the_overspend_rule(head, nearly_spent, on_10_november):
    request = PpRequestFactory(amount=Decimal("450.00"))
    with pytest.raises(ValidationError):
        pp_request_decide(acting_user=head, request=request, decision="approved")
    request.refresh_from_db()
    assert request.status == PpRequestStatus.PENDING

    pp_request_decide(acting_user=head, request=request, decision="approved", override=True)
    request.refresh_from_db()
    assert request.status == PpRequestStatus.APPROVED
    assert request.ledger_entry.overspend_authorised_by == head


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_the_same_moment_cannot_both_squeeze_under_the_limit(monkeypatch):
    """£1,000 received and two PEPs approved at once, each due £600: only one is paid.

    Each approval pauses after reading what is committed, so that without the row lock both
    would read £0 and both pay."""
    approver = UserFactory(role=Role.CASEWORKER)
    UserFactory(role=Role.HEAD)
    GrantYearFactory(grant_received=Decimal("1000.00"))
    peps = [approve(PepFactory(), "2025-11-20 10:00+00:00") for _ in range(2)]
    real_committed = ppplus.committed

    def slow_committed(grant_year):
        figure = real_committed(grant_year)
        time.sleep(0.3)
        return figure

    monkeypatch.setattr(ppplus, "committed", slow_committed)
    start = threading.Barrier(2)
    results, errors = [], []

    def approve_in_thread(pep):
        try:
            start.wait()
            results.append(ppplus_allocate_for_approved_pep(pep=pep, acting_user=approver))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve_in_thread, args=(pep,)) for pep in peps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(result is None for result in results) == [False, True]
    assert LedgerEntry.objects.count() == 1
    assert ledger_total() == Decimal("600.00")
    assert Notification.objects.count() == 1  # the Head is told of the one not paid


def test_approving_a_termly_pep_in_the_workflow_pays_its_school(submitted, caseworker):
    """Through helper F's pep_approve (its `submitted` fixture: Robin's autumn 2025 PEP at
    Example Academy, submitted on 3 November 2025)."""
    from peps.services import workflow

    GrantYearFactory(start_year=2025)
    workflow.pep_approve(acting_user=caseworker, pep=submitted, rating="green", feedback={})

    entry = LedgerEntry.objects.get()
    assert (entry.pep, entry.school, entry.amount) == (
        submitted,
        submitted.school,
        Decimal("600.00"),
    )
