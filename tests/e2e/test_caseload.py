"""In a real browser: a caseworker finds a child by UPN and reads each tab of the record; a
designated teacher sees only their school's children. Every page visited passes axe-core."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from pupils.models import AllocationRole, Cohort
from tests.factories import (
    PASSWORD,
    AllocationFactory,
    CareEpisodeFactory,
    ChildFactory,
    CohortMembershipFactory,
    DesignatedTeacherFactory,
    EnrolmentFactory,
    SchoolFactory,
    SenRecordFactory,
    UserFactory,
    make_upn,
)
from vschool.accounts.models import Role
from vschool.history import attributed

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def cohort():
    """Two schools with a child in care at each; the caseworker has the child at Alder."""
    caseworker = UserFactory(role=Role.CASEWORKER, email="cw@example.org", full_name="Carl Case")
    alder = SchoolFactory(name="Alder Academy")
    birch = SchoolFactory(name="Birch School")
    ava = ChildFactory(legal_first_name="Ava", legal_last_name="Ash", upn=make_upn(4242))
    ben = ChildFactory(legal_first_name="Ben", legal_last_name="Beech")
    for child, school in [(ava, alder), (ben, birch)]:
        with attributed(acting_user=None, source="SSDA903 import #1"):
            CohortMembershipFactory(child=child, cohort=Cohort.CHILD_IN_CARE)
            CareEpisodeFactory(child=child)
        EnrolmentFactory(child=child, school=school)
        SenRecordFactory(child=child)
    AllocationFactory(child=ava, user=caseworker, role=AllocationRole.CASEWORKER)
    return {"caseworker": caseworker, "alder": alder, "ava": ava, "ben": ben}


def test_caseworker_finds_a_child_by_upn_and_reads_their_record(page, accessible, cohort):
    ava = cohort["ava"]
    sign_in(page, "cw@example.org")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Children").click()

    expect(page.get_by_role("heading", name="My caseload", level=1)).to_be_visible()
    accessible(page)
    page.get_by_role("link", name="See all children").click()
    expect(page.get_by_role("heading", name="2 children")).to_be_visible()
    accessible(page)

    # A UPN as someone might type it from a letter: spaced out and in lower case.
    typed = f"{ava.upn[:4]} {ava.upn[4:8]} {ava.upn[8:]}".lower()
    page.get_by_label("Name, UPN or LA child ID").fill(typed)
    page.get_by_role("button", name="Search and filter").click()
    expect(page.get_by_role("heading", name="1 child", exact=True)).to_be_visible()
    accessible(page)

    page.get_by_role("link", name="Ava Ash").click()
    expect(page.get_by_role("heading", name="Ava Ash", level=1)).to_be_visible()
    expect(page.get_by_text(ava.la_child_id).first).to_be_visible()
    accessible(page)

    record = page.get_by_role("navigation", name="Child's record")
    for tab, heading in [("Care", "Care"), ("Education", "Education"), ("History", "History")]:
        record.get_by_role("link", name=tab).click()
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
        expect(record.get_by_role("link", name=tab)).to_have_attribute("aria-current", "page")
        accessible(page)
    expect(page.get_by_text("SSDA903 import #1").first).to_be_visible()

    record.get_by_role("link", name="Summary").click()
    expect(page.get_by_role("link", name="Alder Academy", exact=True)).to_be_visible()


def test_caseworker_sorts_and_filters_the_caseload_by_keyboard(page, accessible, cohort):
    sign_in(page, "cw@example.org")
    page.goto("/children/?caseworker=")

    page.get_by_role("link", name="Name").focus()
    page.keyboard.press("Enter")
    expect(page.locator("th[aria-sort='descending']")).to_have_text(re.compile("Name"))
    names = page.locator("tbody th[scope='row']")
    expect(names).to_have_text(["Ben Beech", "Ava Ash"])
    accessible(page)

    page.get_by_text("Filter by cohort, school, year group and more").click()
    page.get_by_label("School name or URN").fill("Birch")
    page.get_by_role("button", name="Search and filter").click()
    expect(names).to_have_text(["Ben Beech"])
    accessible(page)


def test_designated_teacher_sees_only_their_schools_children(page, accessible, cohort):
    teacher = UserFactory(role=Role.DESIGNATED_TEACHER, email="dt@example.org")
    DesignatedTeacherFactory(
        user=teacher, school=cohort["alder"], start_date=datetime.date(2020, 9, 1)
    )
    sign_in(page, "dt@example.org")

    expect(page.get_by_role("link", name="Ava Ash")).to_be_visible()  # on the home page
    accessible(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Children").click()
    expect(page.locator("tbody th[scope='row']")).to_have_text(["Ava Ash"])
    expect(page.get_by_text("Ben Beech")).to_have_count(0)
    accessible(page)

    page.get_by_role("link", name="Ava Ash").click()
    expect(page.get_by_role("heading", name="Ava Ash", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="History")).to_have_count(0)
    accessible(page)

    response = page.goto(f"/children/{cohort['ben'].pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    accessible(page)
