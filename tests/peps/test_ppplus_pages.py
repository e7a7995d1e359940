"""Pupil Premium Plus pages over HTTP: who may use them, the budget and its CSVs, the finance
team's ledger CSV (no names; every cell safe to open in a spreadsheet), raising a request from
a PEP, the Head's decisions, and adding ledger entries and grant years."""

import csv
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from peps.models import LedgerCategory, LedgerEntry, PepStatus, PpRequest, PpRequestStatus
from peps.services.ppplus import pp_request_decide, ppplus_allocate_for_approved_pep
from pupils.models import AllocationRole
from tests.factories import (
    AllocationFactory,
    ChildFactory,
    DesignatedTeacherFactory,
    EnrolmentFactory,
    SchoolFactory,
)
from tests.peps.ppplus_factories import (
    GrantYearFactory,
    LedgerEntryFactory,
    PepFactory,
    PepTargetFactory,
    PpRequestFactory,
    approve,
)
from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db

VIRTUAL_SCHOOL_PAGES = [
    ("peps:ppplus_budget", []),
    ("peps:ledger_csv", [2025]),
    ("peps:request_list", []),
    ("peps:ledger_entry_add", []),
    ("peps:grant_year_add", []),
]


@pytest.fixture(autouse=True)
def _on_10_november():
    with time_machine.travel("2025-11-10 12:00 +00:00", tick=False):
        yield


@pytest.fixture
def pp(designated_teacher):
    """Robin, on the roll of Ash Grove Academy (whose designated teacher is Tara), with an
    autumn 2025 PEP in progress and two targets; the 2025-26 grant is £10,000."""
    school = SchoolFactory(
        name="Ash Grove Academy", urn="123456", la_code="999", establishment_number="4001"
    )
    DesignatedTeacherFactory(user=designated_teacher, school=school)
    child = ChildFactory(legal_first_name="Robin", legal_last_name="Example", la_child_id="C900001")
    EnrolmentFactory(child=child, school=school)
    pep = PepFactory(child=child, school=school)
    maths = PepTargetFactory(pep=pep, area="Maths", target="Learn the 7 times table")
    reading = PepTargetFactory(pep=pep, area="Reading", target="Read aloud for ten minutes")
    year = GrantYearFactory(start_year=2025, grant_received=Decimal("10000.00"))
    return SimpleNamespace(
        school=school, child=child, pep=pep, maths=maths, reading=reading, year=year
    )


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- Who may use the pages --------------------------------------------------------------------


@pytest.mark.parametrize(("url_name", "args"), VIRTUAL_SCHOOL_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        (Role.HEAD, 200),
        (Role.CASEWORKER, 200),
        (Role.DESIGNATED_TEACHER, 403),
        (Role.SOCIAL_WORKER, 403),
        (Role.GOVERNOR, 403),
        (Role.ADMIN, 403),
    ],
    indirect=["persona"],
)
def test_only_the_virtual_school_manages_pp_plus(pp, client_for, persona, status, url_name, args):
    response = client_for(persona).get(reverse(url_name, args=args))
    assert response.status_code == status


def test_signed_out_people_are_sent_to_sign_in(client, pp):
    response = client.get(reverse("peps:ppplus_budget"))
    assert response.status_code == 302
    assert "sign-in" in response["Location"] or "login" in response["Location"]


# --- The budget -------------------------------------------------------------------------------


def test_the_budget_shows_received_committed_balance_and_the_split(pp, caseworker, client_for):
    ppplus_allocate_for_approved_pep(pep=approve(pp.pep), acting_user=caseworker)
    LedgerEntryFactory(
        grant_year=pp.year, category=LedgerCategory.TRAINING, amount=Decimal("1400.00")
    )

    page = client_for(caseworker).get(reverse("peps:ppplus_budget")).content.decode()

    assert "£10,000.00" in page  # received
    assert "£2,000.00" in page  # committed: £600 + £1,400
    assert "£8,000.00" in page  # balance
    assert 'data-testid="split-chart"' in page
    assert page.count('fill="#1d70b8"') == 4  # a bar for each category
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">14.0%</td>' in page
    assert "Ash Grove Academy" in page
    assert "Robin Example" in page
    assert reverse("peps:ledger_csv", args=[2025]) in page


def test_an_overspent_year_says_by_how_much(pp, head, client_for):
    LedgerEntryFactory(grant_year=pp.year, amount=Decimal("10250.00"))
    page = client_for(head).get(reverse("peps:ppplus_budget")).content.decode()
    assert "Overspent by" in page
    assert "£250.00" in page


def test_the_budget_without_a_grant_year_offers_to_add_one(caseworker, client_for):
    page = client_for(caseworker).get(reverse("peps:ppplus_budget")).content.decode()
    assert "No grant year has been set up yet" in page
    assert reverse("peps:grant_year_add") in page


def test_the_budget_shows_the_year_asked_for(pp, caseworker, client_for):
    GrantYearFactory(start_year=2024, grant_received=Decimal("7777.00"))
    client = client_for(caseworker)
    assert "£10,000.00" in client.get(reverse("peps:ppplus_budget")).content.decode()
    page = client.get(reverse("peps:ppplus_budget") + "?year=2024").content.decode()
    assert "£7,777.00" in page
    assert "Grant year 2024-25" in page


def test_spending_by_school_downloads_as_csv(pp, caseworker, client_for):
    ppplus_allocate_for_approved_pep(pep=approve(pp.pep), acting_user=caseworker)
    response = client_for(caseworker).get(
        reverse("peps:ppplus_budget") + "?year=2025&download=schools"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_rows(response) == [
        ["School URN", "School", "LAESTAB", "Amount", "% of grant", "Ledger entries"],
        ["123456", "Ash Grove Academy", "9994001", "600.00", "6.0", "1"],
    ]


def test_spending_by_child_downloads_without_names(pp, caseworker, client_for):
    ppplus_allocate_for_approved_pep(pep=approve(pp.pep), acting_user=caseworker)
    response = client_for(caseworker).get(
        reverse("peps:ppplus_budget") + "?year=2025&download=children"
    )
    assert csv_rows(response) == [
        ["LA child ID", "Amount", "% of grant", "Ledger entries"],
        ["C900001", "600.00", "6.0", "1"],
    ]
    assert "Robin" not in response.content.decode()


# --- The ledger CSV for the payment run -------------------------------------------------------


def test_the_ledger_csv_has_a_row_per_entry_for_the_payment_run(pp, head, caseworker, client_for):
    allocation = ppplus_allocate_for_approved_pep(pep=approve(pp.pep), acting_user=caseworker)
    request = PpRequestFactory(pep=pp.pep, target=pp.maths, amount=Decimal("450.00"))
    pp_request_decide(acting_user=head, request=request, decision="approved")
    LedgerEntryFactory(
        grant_year=pp.year,
        category=LedgerCategory.TRAINING,
        amount=Decimal("1250.50"),
        description="Designated teacher conference",
        created_by=caseworker,
    )
    LedgerEntryFactory(grant_year=GrantYearFactory(start_year=2024), amount=Decimal("1"))

    response = client_for(caseworker).get(reverse("peps:ledger_csv", args=[2025]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "pp-plus-ledger-2025-26.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == [
        "Entry",
        "Date",
        "Category",
        "School URN",
        "School",
        "LAESTAB",
        "LA child ID",
        "Amount",
        "Description",
        "Approved by",
        "Overspend authorised by",
    ]
    assert rows[1] == [
        str(allocation.pk),
        "2025-11-10",
        "Allocated to schools through PEPs",
        "123456",
        "Ash Grove Academy",
        "9994001",
        "C900001",
        "600.00",
        "Termly allocation, autumn term 2025/26 PEP",
        "Carl Case",
        "",
    ]
    assert rows[2][2:8] == [
        "Allocated to schools through PEPs",
        "123456",
        "Ash Grove Academy",
        "9994001",
        "C900001",
        "450.00",
    ]
    assert rows[2][9] == "Helen Hart"  # the Head approved the request
    assert rows[3][2:] == [
        "Training",
        "",
        "",
        "",
        "",
        "1250.50",
        "Designated teacher conference",
        "Carl Case",
        "",
    ]
    assert len(rows) == 4  # the 2024-25 entry is not in this year's run


def test_the_ledger_csv_names_no_child(pp, caseworker, client_for):
    ppplus_allocate_for_approved_pep(pep=approve(pp.pep), acting_user=caseworker)
    content = client_for(caseworker).get(reverse("peps:ledger_csv", args=[2025])).content
    assert b"Robin" not in content
    assert b"Example" not in content.replace(b"Example School", b"")


def test_every_ledger_cell_is_safe_to_open_in_a_spreadsheet(pp, head, caseworker, client_for):
    school = SchoolFactory(name='=HYPERLINK("http://evil.example","Click")')
    child = ChildFactory(la_child_id="-2+3")
    LedgerEntryFactory(
        grant_year=pp.year,
        category=LedgerCategory.DIRECT_SUPPORT,
        school=school,
        child=child,
        amount=Decimal("10"),
        description="@SUM(A1:A9)",
        created_by=head,
    )
    rows = csv_rows(client_for(caseworker).get(reverse("peps:ledger_csv", args=[2025])))
    assert rows[1][4] == '\'=HYPERLINK("http://evil.example","Click")'
    assert rows[1][6] == "'-2+3"
    assert rows[1][8] == "'@SUM(A1:A9)"


def test_the_ledger_csv_of_an_unknown_year_is_not_found(pp, caseworker, client_for):
    response = client_for(caseworker).get(reverse("peps:ledger_csv", args=[2019]))
    assert response.status_code == 404


# --- Raising a request from a PEP -------------------------------------------------------------


def add_url(pep) -> str:
    return reverse("peps:request_add", args=[pep.pk])


def test_the_designated_teacher_asks_for_pp_plus_against_a_target(
    pp, designated_teacher, client_for
):
    other_target = PepTargetFactory(target="A target in someone else's PEP")
    client = client_for(designated_teacher)

    page = client.get(add_url(pp.pep)).content.decode()
    assert "Learn the 7 times table" in page
    assert "Read aloud for ten minutes" in page
    assert "A target in someone else" not in page

    response = client.post(
        add_url(pp.pep),
        {
            "target": pp.reading.pk,
            "amount": "£1,250.50",
            "purpose": "Reading recovery with a specialist teacher",
            "eef_approach": "targeted",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("peps:pep_detail", args=[pp.pep.pk])
    request = PpRequest.objects.get()
    assert (request.target, request.amount, request.status) == (
        pp.reading,
        Decimal("1250.50"),
        PpRequestStatus.PENDING,
    )
    posted_elsewhere = client.post(
        add_url(pp.pep),
        {"target": other_target.pk, "amount": "10", "purpose": "x", "eef_approach": "wider"},
    )
    assert "Select a valid choice" in posted_elsewhere.content.decode()
    assert PpRequest.objects.count() == 1


def test_a_request_with_problems_shows_them_in_an_error_summary(pp, designated_teacher, client_for):
    response = client_for(designated_teacher).post(
        add_url(pp.pep), {"amount": "lots", "purpose": "", "eef_approach": ""}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose the target the money is for" in page
    assert "The amount must be an amount in pounds" in page
    assert "Enter what the money will pay for" in page
    assert not PpRequest.objects.exists()


def test_a_teacher_cannot_ask_for_another_schools_child(pp, client_for):
    other_teacher = DesignatedTeacherFactory(school=SchoolFactory()).user
    response = client_for(other_teacher).get(add_url(pp.pep))
    assert response.status_code == 404


def test_a_teacher_cannot_ask_once_the_pep_is_submitted(pp, designated_teacher, client_for):
    pp.pep.status = PepStatus.SUBMITTED
    pp.pep.save()
    client = client_for(designated_teacher)
    page = client.get(add_url(pp.pep)).content.decode()
    assert "This PEP has been submitted" in page
    assert "<form" not in page.split('id="main-content"')[1]
    client.post(
        add_url(pp.pep),
        {"target": pp.maths.pk, "amount": "10", "purpose": "x", "eef_approach": "wider"},
    )
    assert not PpRequest.objects.exists()


def test_a_social_worker_cannot_ask_for_pp_plus(pp, social_worker, client_for):
    AllocationFactory(child=pp.child, user=social_worker, role=AllocationRole.SOCIAL_WORKER)
    assert client_for(social_worker).get(add_url(pp.pep)).status_code == 403


def test_a_governor_cannot_ask_for_pp_plus(pp, governor, client_for):
    assert client_for(governor).get(add_url(pp.pep)).status_code == 403


# --- The requests queue and the Head's decisions ----------------------------------------------


@pytest.fixture
def queue(pp, head):
    decided = PpRequestFactory(pep=pp.pep, target=pp.maths, amount=Decimal("100.00"))
    pp_request_decide(acting_user=head, request=decided, decision="declined", reason="Not needed")
    pending = PpRequestFactory(pep=pp.pep, target=pp.reading, amount=Decimal("800.00"))
    return SimpleNamespace(decided=decided, pending=pending)


def test_the_queue_shows_waiting_requests_first(queue, caseworker, client_for):
    page = client_for(caseworker).get(reverse("peps:request_list")).content.decode()
    assert "1 request waiting for a decision" in page
    assert page.index("Read aloud for ten minutes") < page.index("Learn the 7 times table")
    assert reverse("peps:pep_detail", args=[queue.pending.pep_id]) in page
    assert reverse("peps:request_decide", args=[queue.pending.pk]) not in page


def test_the_head_sees_decide_in_the_queue(queue, head, client_for):
    page = client_for(head).get(reverse("peps:request_list")).content.decode()
    assert reverse("peps:request_decide", args=[queue.pending.pk]) in page
    assert "Decide<span" in page


def decide_url(request) -> str:
    return reverse("peps:request_decide", args=[request.pk])


def test_a_caseworker_cannot_decide(queue, caseworker, client_for):
    response = client_for(caseworker).post(decide_url(queue.pending), {"decision": "approved"})
    assert response.status_code == 403
    queue.pending.refresh_from_db()
    assert queue.pending.status == PpRequestStatus.PENDING


def test_the_head_approves_a_request(queue, head, client_for):
    client = client_for(head)
    page = client.get(decide_url(queue.pending)).content.decode()
    assert "Approve £800.00" in page
    assert "Authorise an overspend" in page

    response = client.post(decide_url(queue.pending), {"decision": "approved"})

    assert response.status_code == 302
    queue.pending.refresh_from_db()
    assert queue.pending.status == PpRequestStatus.APPROVED
    assert queue.pending.ledger_entry.amount == Decimal("800.00")


def test_the_head_part_approves_with_an_amount_and_a_reason(queue, head, client_for):
    client = client_for(head)
    response = client.post(
        decide_url(queue.pending), {"decision": "part_approved", "amount_approved": "300"}
    )
    assert "There is a problem" in response.content.decode()
    assert "Enter the reason for your decision" in response.content.decode()

    client.post(
        decide_url(queue.pending),
        {"decision": "part_approved", "amount_approved": "300", "reason": "Start with six"},
    )
    queue.pending.refresh_from_db()
    assert queue.pending.status == PpRequestStatus.PART_APPROVED
    assert queue.pending.ledger_entry.amount == Decimal("300.00")


def test_a_decided_request_shows_the_decision(queue, head, client_for):
    page = client_for(head).get(decide_url(queue.decided)).content.decode()
    assert "Request for PP+ decided" in page
    assert "Not needed" in page
    assert "Save decision" not in page


# --- Ledger entries and grant years -----------------------------------------------------------


def entry_data(**changes) -> dict:
    return {
        "grant_year": "",
        "category": "centrally_retained",
        "amount": "12000",
        "description": "Whole-cohort tutoring programme",
        "child": "",
        "school": "",
        **changes,
    }


def test_a_caseworker_cannot_overspend(pp, caseworker, client_for):
    data = entry_data(grant_year=pp.year.pk)
    client = client_for(caseworker)
    assert (
        "Authorise an overspend"
        not in client.get(reverse("peps:ledger_entry_add")).content.decode()
    )

    page = client.post(reverse("peps:ledger_entry_add"), data).content.decode()

    assert "There is a problem" in page
    assert "Only the Virtual School Head can authorise an overspend" in page
    assert not LedgerEntry.objects.exists()


def test_the_head_authorises_an_overspend(pp, head, client_for):
    client = client_for(head)
    data = entry_data(grant_year=pp.year.pk)
    page = client.post(reverse("peps:ledger_entry_add"), data).content.decode()
    assert "To go over the grant, tick “Authorise an overspend”" in page

    response = client.post(reverse("peps:ledger_entry_add"), {**data, "override": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("peps:ppplus_budget") + "?year=2025"
    assert LedgerEntry.objects.get().overspend_authorised_by == head


def test_direct_support_for_a_child_by_their_la_id(pp, caseworker, client_for):
    data = entry_data(
        grant_year=pp.year.pk, category="direct_support", amount="250", child="C900001"
    )
    client_for(caseworker).post(reverse("peps:ledger_entry_add"), data)
    entry = LedgerEntry.objects.get()
    assert (entry.child, entry.amount, entry.category) == (
        pp.child,
        Decimal("250.00"),
        LedgerCategory.DIRECT_SUPPORT,
    )


def test_an_unknown_la_id_is_an_error(pp, caseworker, client_for):
    data = entry_data(grant_year=pp.year.pk, category="direct_support", amount="1", child="NOPE")
    page = client_for(caseworker).post(reverse("peps:ledger_entry_add"), data).content.decode()
    assert "There is no child with LA ID NOPE" in page


def test_the_virtual_school_adds_a_grant_year(caseworker, client_for):
    data = {
        "start_year": "2026",
        "grant_received": "526,000",
        "rate_per_child": "2630",
        "termly_allocation": "600",
    }
    client = client_for(caseworker)
    response = client.post(reverse("peps:grant_year_add"), data)
    assert response["Location"] == reverse("peps:ppplus_budget") + "?year=2026"

    again = client.post(reverse("peps:grant_year_add"), data).content.decode()
    assert "The 2026-27 grant year is already recorded" in again
