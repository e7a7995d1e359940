"""The schools list and a school's page: search and filters, details, Ofsted history,
designated teachers and the children on roll that the viewer may see."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from pupils.models import EnrolmentKind, OfstedFramework
from tests.factories import (
    ChildFactory,
    DesignatedTeacherFactory,
    EnrolmentFactory,
    OfstedInspectionFactory,
    SchoolFactory,
    UserFactory,
)
from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 11, 10)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def schools():
    return {
        "alder": SchoolFactory(name="Alder Academy", urn="111111", phase="secondary"),
        "oak": SchoolFactory(name="Oak Primary", urn="222222", phase="primary"),
        "birch": SchoolFactory(name="Birch High", urn="333333", la_code="888", la_name="Elsewhere"),
        "old": SchoolFactory(name="Old Alder School", urn="444444", is_open=False),
    }


def _listed(client, **params) -> list[str]:
    response = client.get(reverse("pupils:school_list"), params)
    assert response.status_code == 200
    return [school.name for school in response.context["page_obj"]]


# --- The list --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Alder Academy", "Birch High", "Oak Primary", "Old Alder School"]),
        ({"q": "alder"}, ["Alder Academy", "Old Alder School"]),
        ({"q": "222222"}, ["Oak Primary"]),
        ({"phase": "primary"}, ["Oak Primary"]),
        ({"authority": "out"}, ["Birch High"]),
        ({"authority": "in", "status": "open"}, ["Alder Academy", "Oak Primary"]),
        ({"status": "closed"}, ["Old Alder School"]),
    ],
)
def test_schools_are_searched_and_filtered(client_for, head, schools, params, expected):
    assert _listed(client_for(head), **params) == expected


def test_schools_list_counts_the_children_on_roll_today(client_for, head, schools):
    for _ in range(2):
        EnrolmentFactory(school=schools["alder"])
    EnrolmentFactory(school=schools["alder"], end_date=D(2025, 7, 22))  # left in the summer

    response = client_for(head).get(reverse("pupils:school_list"), {"q": "111111"})

    assert [s.children_on_roll for s in response.context["page_obj"]] == [2]
    assert "1 school" in response.content.decode()


def test_schools_list_is_paginated(client_for, head):
    for n in range(52):
        SchoolFactory(name=f"School {n:02d}")
    client = client_for(head)

    assert len(_listed(client)) == 50
    assert _listed(client, page=2) == ["School 50", "School 51"]


def test_add_a_school_is_offered_to_those_who_may(client_for, head, administrator, schools):
    add = reverse("pupils:school_add")

    assert add in client_for(head).get(reverse("pupils:school_list")).content.decode()
    assert add in client_for(administrator).get(reverse("pupils:school_list")).content.decode()


def test_designated_teacher_is_not_offered_to_add_a_school(client_for, designated_teacher):
    DesignatedTeacherFactory(user=designated_teacher)

    page = client_for(designated_teacher).get(reverse("pupils:school_list")).content.decode()

    assert reverse("pupils:school_add") not in page


# --- A school's page -------------------------------------------------------------------------


def _school_page(client, school) -> str:
    response = client.get(reverse("pupils:school_detail", kwargs={"pk": school.pk}))
    assert response.status_code == 200
    return text(response.content.decode())


def test_school_page_shows_its_details(client_for, head, schools):
    school = SchoolFactory(
        name="Cedar Special School",
        urn="555555",
        la_code="999",
        la_name="Exampleshire",
        establishment_number="7001",
        type_name="Community special school",
        phase="special",
        postcode="EX2 2BB",
    )

    shown = _school_page(client_for(head), school)

    assert "URN 555555" in shown
    assert "LAESTAB 9997001" in shown
    assert "Type Community special school" in shown
    assert "Phase Special" in shown
    assert "Local authority Exampleshire (999) In authority" in shown
    assert "Status Open" in shown
    assert "Change school details" in shown


def test_school_page_shows_ofsted_history_under_each_framework(client_for, head, schools):
    school = schools["alder"]
    OfstedInspectionFactory(
        school=school,
        inspection_date=D(2019, 5, 14),
        framework=OfstedFramework.GRADED,
        overall_grade=3,
        safeguarding_met=True,
    )
    OfstedInspectionFactory(
        school=school,
        inspection_date=D(2024, 10, 2),
        framework=OfstedFramework.SUB_JUDGEMENTS,
        overall_grade=None,
        area_grades={"Quality of education": 2, "Leadership and management": 1},
        safeguarding_met=True,
    )
    OfstedInspectionFactory(
        school=school,
        inspection_date=D(2025, 11, 4),
        framework=OfstedFramework.REPORT_CARD,
        overall_grade=None,
        area_grades={"Inclusion": 2},
        safeguarding_met=False,
    )

    shown = _school_page(client_for(head), school)

    assert shown.index("4 November 2025") < shown.index("2 October 2024")
    assert shown.index("2 October 2024") < shown.index("14 May 2019")
    assert "Inclusion: Strong standard Not met" in shown
    assert "Quality of education: Good Leadership and management: Outstanding Effective" in shown
    assert "Overall: Requires improvement Effective" in shown


def test_school_page_lists_current_and_past_designated_teachers(client_for, head, schools):
    school = schools["alder"]
    DesignatedTeacherFactory(
        school=school,
        user=UserFactory(role=Role.DESIGNATED_TEACHER, full_name="Pat Past"),
        start_date=D(2018, 9, 1),
        end_date=D(2022, 8, 31),
    )
    DesignatedTeacherFactory(
        school=school,
        user=UserFactory(role=Role.DESIGNATED_TEACHER, full_name="Cleo Current"),
        start_date=D(2022, 9, 1),
    )

    shown = _school_page(client_for(head), school)

    assert "Cleo Current" in shown
    assert re.search(r"Cleo Current \S+ 1 Sep 2022 Current", shown)
    assert re.search(r"Pat Past \S+ 1 Sep 2018 31 Aug 2022 Past", shown)
    assert shown.index("Cleo Current") < shown.index("Pat Past")


def test_school_page_lists_the_children_on_roll_the_viewer_may_see(client_for, head, schools):
    school = schools["alder"]
    EnrolmentFactory(
        school=school, child=ChildFactory(legal_first_name="Ava", legal_last_name="Ash")
    )
    EnrolmentFactory(
        school=school,
        kind=EnrolmentKind.SUBSIDIARY,
        child=ChildFactory(legal_first_name="Dee", legal_last_name="Dual"),
    )
    EnrolmentFactory(
        school=school,
        end_date=D(2025, 7, 22),
        child=ChildFactory(legal_first_name="Lou", legal_last_name="Left"),
    )

    shown = _school_page(client_for(head), school)

    assert "Children on roll (2)" in shown
    assert "Ava Ash Year 9 Main 1 Sep 2023" in shown
    assert "Dee Dual Year 9 Dual (subsidiary) 1 Sep 2023" in shown
    assert "Lou Left" not in shown


def test_designated_teacher_sees_their_schools_children(client_for, designated_teacher, schools):
    school = schools["alder"]
    DesignatedTeacherFactory(user=designated_teacher, school=school)
    EnrolmentFactory(
        school=school, child=ChildFactory(legal_first_name="Ava", legal_last_name="Ash")
    )

    shown = _school_page(client_for(designated_teacher), school)

    assert "Children on roll (1)" in shown
    assert "Ava Ash" in shown
    assert "Change school details" not in shown
