"""The caseload page: filters, search, sorting, pagination, a caseworker's own caseload by
default, and the CSV export of the filtered list."""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pupils.imports.common import spreadsheet_safe as csv_safe
from pupils.models import AllocationRole, Cohort, EnrolmentKind
from tests.factories import (
    AllocationFactory,
    CareEpisodeFactory,
    ChildFactory,
    CohortMembershipFactory,
    EnrolmentFactory,
    SchoolFactory,
    SenRecordFactory,
    UserFactory,
)
from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 11, 10)  # academic year 2025/26
ALL = {"caseworker": ""}  # a caseworker's "see all children"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def children(caseworker, social_worker):
    """Three children who differ in every way the caseload filters on.

    Ava: in care, Year 9, main school Alder Academy (in the authority), fostered in the
    authority, SEN support, caseworker Carl Case, social worker Sam Social.
    Ben: previously looked after, Year 5, Birch School (another authority), not in care, an
    EHC plan, caseworker Olive Other.
    Cal: in care, Year 12, no school place (left in July), in a children's home in another
    authority, no SEN recorded, no caseworker.
    """
    alder = SchoolFactory(name="Alder Academy", la_code="999", urn="111111")
    birch = SchoolFactory(name="Birch School", la_code="888", la_name="Elsewhere", urn="222222")
    other = UserFactory(role=Role.CASEWORKER, full_name="Olive Other")

    ava = ChildFactory(
        legal_first_name="Ava",
        legal_last_name="Ash",
        la_child_id="LA0001",
        upn="A123456789012",  # not validated by the factory; searched for exactly
        date_of_birth=datetime.date(2012, 1, 15),
    )
    ben = ChildFactory(
        legal_first_name="Ben",
        legal_last_name="Beech",
        la_child_id="LA0002",
        date_of_birth=datetime.date(2015, 10, 1),
    )
    cal = ChildFactory(
        legal_first_name="Cal",
        legal_last_name="Cedar",
        la_child_id="LA0003",
        date_of_birth=datetime.date(2008, 9, 1),
    )
    CohortMembershipFactory(child=ava, cohort=Cohort.CHILD_IN_CARE)
    CohortMembershipFactory(child=ben, cohort=Cohort.PREVIOUSLY_LOOKED_AFTER, plac_route="sgo")
    CohortMembershipFactory(child=cal, cohort=Cohort.CHILD_IN_CARE)
    EnrolmentFactory(child=ava, school=alder)
    EnrolmentFactory(child=ben, school=birch)
    EnrolmentFactory(
        child=cal,
        school=alder,
        start_date=datetime.date(2020, 9, 1),
        end_date=datetime.date(2025, 7, 22),
    )
    CareEpisodeFactory(child=ava, placement_type="U4", placement_la_code="999")
    CareEpisodeFactory(child=cal, placement_type="K2", placement_la_code="888")
    SenRecordFactory(child=ava, provision="K", primary_need="SEMH")
    SenRecordFactory(child=ben, provision="E", primary_need="ASD", ehcp_issuing_la_code="888")
    AllocationFactory(child=ava, user=caseworker)
    AllocationFactory(child=ben, user=other)
    AllocationFactory(child=ava, user=social_worker, role=AllocationRole.SOCIAL_WORKER)
    return SimpleNamespace(ava=ava, ben=ben, cal=cal, alder=alder, birch=birch, other=other)


def _names(client, **params) -> list[str]:
    response = client.get(reverse("pupils:caseload"), params)
    assert response.status_code == 200
    return [row.display_name for row in response.context["page_obj"]]


# --- Filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"cohort": "cla"}, ["Ava Ash", "Cal Cedar"]),
        ({"cohort": "plac"}, ["Ben Beech"]),
        ({"school": "alder"}, ["Ava Ash"]),  # Cal left Alder in July
        ({"school": "222222"}, ["Ben Beech"]),
        ({"school_authority": "in"}, ["Ava Ash"]),
        ({"school_authority": "out"}, ["Ben Beech"]),
        ({"no_school_place": "on"}, ["Cal Cedar"]),
        ({"year_group": "9"}, ["Ava Ash"]),
        ({"year_group": "12"}, ["Cal Cedar"]),
        ({"key_stage": "Key stage 2"}, ["Ben Beech"]),
        ({"key_stage": "Key stage 5"}, ["Cal Cedar"]),
        ({"sen": "K"}, ["Ava Ash"]),
        ({"sen": "E"}, ["Ben Beech"]),
        ({"sen": "any"}, ["Ava Ash", "Ben Beech"]),
        ({"sen": "unknown"}, ["Cal Cedar"]),
        ({"placement_type": "K2"}, ["Cal Cedar"]),
        ({"social_worker": "sam soc"}, ["Ava Ash"]),
        ({"cohort": "cla", "school_authority": "in"}, ["Ava Ash"]),
    ],
)
def test_each_filter_narrows_the_list(client_for, head, children, params, expected):
    assert _names(client_for(head), **params) == expected


def test_year_group_filter_follows_the_1_september_cut_off_and_out_of_year_teaching(
    client_for, head
):
    # On 10 November 2025: born 31 August 2012, Year 9; born 1 September 2012, Year 8; born
    # 15 January 2012 (Year 9 by age) but taught a year below, Year 8.
    ChildFactory(legal_first_name="Aug", legal_last_name="Older", date_of_birth=D(2012, 8, 31))
    ChildFactory(legal_first_name="Sep", legal_last_name="Younger", date_of_birth=D(2012, 9, 1))
    ChildFactory(
        legal_first_name="Held",
        legal_last_name="Back",
        date_of_birth=D(2012, 1, 15),
        year_group_adjustment=-1,
    )
    client = client_for(head)

    assert _names(client, year_group="9") == ["Aug Older"]
    assert _names(client, year_group="8") == ["Held Back", "Sep Younger"]
    assert _names(client, key_stage="Key stage 3") == ["Held Back", "Aug Older", "Sep Younger"]
    assert _names(client, key_stage="Key stage 4") == []
    assert _names(client, sort="year") == ["Held Back", "Sep Younger", "Aug Older"]


def test_caseworker_filter_shows_that_caseworkers_children(client_for, head, children):
    assert _names(client_for(head), caseworker=children.other.pk) == ["Ben Beech"]


def test_result_count_and_clear_filters_are_shown(client_for, head, children):
    response = client_for(head).get(reverse("pupils:caseload"), {"cohort": "cla"})
    page = response.content.decode()

    assert "2 children" in page
    assert "Clear filters" in page


def test_a_nonsense_filter_value_is_ignored_not_an_error(client_for, head, children):
    assert _names(client_for(head), year_group="banana", sort="nonsense") == [
        "Ava Ash",
        "Ben Beech",
        "Cal Cedar",
    ]


# --- Search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a 1234 5678 9012", ["Ava Ash"]),  # a UPN as typed: spaces and lower case
        ("la0003", ["Cal Cedar"]),  # an LA child ID, any case
        ("ced", ["Cal Cedar"]),  # the start of a name
        ("Ben Beech", ["Ben Beech"]),  # every word must match
        ("Ben Ash", []),
    ],
)
def test_one_search_box_finds_by_upn_la_id_or_name(client_for, head, children, query, expected):
    assert _names(client_for(head), q=query) == expected


def test_search_finds_a_child_by_their_preferred_name(client_for, head, children):
    children.cal.preferred_name = "Callum"
    children.cal.save()

    assert _names(client_for(head), q="callum") == ["Callum Cedar"]


# --- Sorting and pagination ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Ava Ash", "Ben Beech", "Cal Cedar"]),
        ("-name", ["Cal Cedar", "Ben Beech", "Ava Ash"]),
        ("year", ["Ben Beech", "Ava Ash", "Cal Cedar"]),
        ("-dob", ["Ben Beech", "Ava Ash", "Cal Cedar"]),
        ("school", ["Ava Ash", "Ben Beech", "Cal Cedar"]),  # no school place sorts last
        ("-school", ["Ben Beech", "Ava Ash", "Cal Cedar"]),  # ... either way
        ("caseworker", ["Ava Ash", "Ben Beech", "Cal Cedar"]),  # Carl Case, Olive Other, none
        ("sen", ["Ava Ash", "Ben Beech", "Cal Cedar"]),  # SEN support, EHC plan, none
    ],
)
def test_columns_sort_both_ways(client_for, head, children, sort, expected):
    assert _names(client_for(head), sort=sort) == expected


def test_sorted_column_header_says_so_to_screen_readers(client_for, head, children):
    page = client_for(head).get(reverse("pupils:caseload"), {"sort": "-year"}).content.decode()

    assert 'aria-sort="descending"' in page
    assert page.count('aria-sort="none"') == 8  # the other sortable columns (not cohort)
    assert "sort=year" in page  # the next click sorts ascending


def test_caseload_is_paginated_fifty_a_page(client_for, head):
    for n in range(53):
        ChildFactory(legal_last_name=f"Surname{n:02d}", legal_first_name="Pat")
    client = client_for(head)

    first = client.get(reverse("pupils:caseload"))
    second = client.get(reverse("pupils:caseload"), {"page": 2})

    assert len(first.context["page_obj"]) == 50
    assert [row.legal_last_name for row in second.context["page_obj"]] == [
        "Surname50",
        "Surname51",
        "Surname52",
    ]
    assert "53 children" in first.content.decode()
    assert 'aria-label="Page 2"' in first.content.decode()


def test_number_of_queries_does_not_grow_with_the_number_of_children(client_for, head):
    school = SchoolFactory()
    client = client_for(head)

    def add_children(n: int) -> None:
        for _ in range(n):
            child = ChildFactory()
            CohortMembershipFactory(child=child)
            EnrolmentFactory(child=child, school=school)
            CareEpisodeFactory(child=child)
            SenRecordFactory(child=child)
            AllocationFactory(child=child)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("pupils:caseload")).status_code == 200
        return len(captured)

    add_children(3)
    few = queries()
    add_children(40)
    assert queries() == few


# --- A caseworker's own caseload -------------------------------------------------------------


def test_caseworker_starts_on_their_own_caseload(client_for, caseworker, children):
    response = client_for(caseworker).get(reverse("pupils:caseload"))

    assert [row.display_name for row in response.context["page_obj"]] == ["Ava Ash"]
    assert "My caseload" in response.content.decode()
    assert "See all children" in response.content.decode()


def test_caseworker_can_see_all_children(client_for, caseworker, children):
    client = client_for(caseworker)

    assert _names(client, **ALL) == ["Ava Ash", "Ben Beech", "Cal Cedar"]
    assert "See only my caseload" in client.get(reverse("pupils:caseload"), ALL).content.decode()


def test_caseworker_keeps_their_own_caseload_while_sorting(client_for, caseworker, children):
    AllocationFactory(child=children.cal, user=caseworker)

    assert _names(client_for(caseworker), sort="-name") == ["Cal Cedar", "Ava Ash"]


def test_head_starts_on_every_child(client_for, head, children):
    assert _names(client_for(head)) == ["Ava Ash", "Ben Beech", "Cal Cedar"]


# --- CSV export ------------------------------------------------------------------------------


def _export(client, **params) -> list[dict]:
    response = client.get(reverse("pupils:caseload_export"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="children-2025-11-10.csv"'
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_export_has_every_column_of_the_filtered_list(client_for, head, children):
    rows = _export(client_for(head), cohort="cla")

    assert [row["LA child ID"] for row in rows] == ["LA0001", "LA0003"]
    assert rows[0] == {
        "LA child ID": "LA0001",
        "UPN": "A123456789012",
        "Legal first name": "Ava",
        "Legal last name": "Ash",
        "Preferred name": "",
        "Date of birth": "2012-01-15",
        "Age": "13",
        "Year group": "Year 9",
        "Cohort": "Child in care",
        "School URN": "111111",
        "School": "Alder Academy",
        "School in home authority": "Yes",
        "Placement type": "Fostered with other foster carers: long-term",
        "Placement in home authority": "Yes",
        "SEN provision": "SEN support",
        "Caseworker": "Carl Case",
        "Social worker": "Sam Social",
    }
    assert rows[1]["School"] == ""
    assert rows[1]["Placement in home authority"] == "No"


def test_export_follows_the_sort_and_not_the_page(client_for, head):
    for n in range(55):
        ChildFactory(legal_last_name=f"Surname{n:02d}")

    rows = _export(client_for(head), sort="-name", page=2)

    assert len(rows) == 55
    assert rows[0]["Legal last name"] == "Surname54"


def test_caseworkers_export_is_their_own_caseload_unless_they_ask_for_all(
    client_for, caseworker, children
):
    client = client_for(caseworker)

    assert [row["LA child ID"] for row in _export(client)] == ["LA0001"]
    assert len(_export(client, **ALL)) == 3


def test_export_cannot_run_a_formula_in_a_spreadsheet(client_for, head):
    ChildFactory(
        la_child_id="LA9999",
        legal_first_name="+SUM(1,2)",
        legal_last_name='=HYPERLINK("http://example.org")',
        preferred_name="@me",
    )

    (row,) = _export(client_for(head))

    assert row["Legal first name"] == "'+SUM(1,2)"
    assert row["Legal last name"] == '\'=HYPERLINK("http://example.org")'
    assert row["Preferred name"] == "'@me"
    assert row["LA child ID"] == "LA9999"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1234", "'+44 1234"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Ash-Smith", "Ash-Smith"),
        (None, ""),
        (13, "13"),
    ],
)
def test_csv_cells_that_look_like_formulas_are_escaped(value, expected):
    assert csv_safe(value) == expected


def test_dual_registration_does_not_count_as_a_school_place(client_for, head):
    child = ChildFactory(legal_first_name="Dee", legal_last_name="Dual")
    EnrolmentFactory(child=child, kind=EnrolmentKind.SUBSIDIARY)

    assert _names(client_for(head), no_school_place="on") == ["Dee Dual"]
