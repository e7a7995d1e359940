"""The sample Welfare Call file goes through the import service, and a caseworker sees its marks
on the children's Attendance tabs in a real browser: the calendar with the I and E codes, the
same marks as a table, and the Virtual School's overview. Every page passes axe-core.

Time is frozen (ticking, so the live server's thread shares it) at 10:00 on Wednesday
5 November 2025, the day after the sample's last marks.
"""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from outcomes.models import AttendanceDay, FeedKind, ImportStatus
from outcomes.services.feeds import feed_import_run, feed_receive
from pupils.models import Cohort
from tests.factories import (
    PASSWORD,
    ChildFactory,
    CohortMembershipFactory,
    EnrolmentFactory,
    SchoolFactory,
    UserFactory,
)
from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = (
    Path(__file__).resolve().parents[3] / "shared" / "reference" / "samples"
) / "welfare_call_attendance.csv"
NOW = datetime.datetime(2025, 11, 5, 10, 0, tzinfo=ZoneInfo("Europe/London"))
# The sample's children and schools: LA child ID, name, date of birth, school URN and name.
SAMPLE_CHILDREN = [
    ("100234", "Amira", "Khan", datetime.date(2014, 3, 14), "111742", "Alder Academy"),
    ("100871", "Jayden", "Morris", datetime.date(2010, 9, 2), "111766", "Birch School"),
    ("101002", "Lily", "Parker", datetime.date(2017, 6, 21), "111750", "Cedar Primary"),
]


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def children(settings, tmp_path) -> dict:
    """The sample's children, in care and on their schools' rolls, with the file imported."""
    settings.MEDIA_ROOT = tmp_path
    made = {}
    for la_id, first, last, born, urn, school_name in SAMPLE_CHILDREN:
        child = ChildFactory(
            la_child_id=la_id,
            upn="",
            legal_first_name=first,
            legal_last_name=last,
            date_of_birth=born,
        )
        CohortMembershipFactory(child=child, cohort=Cohort.CHILD_IN_CARE)
        school = SchoolFactory(urn=urn, name=school_name)
        EnrolmentFactory(child=child, school=school, start_date=datetime.date(2023, 9, 1))
        made[first] = child
    uploader = UserFactory(role=Role.CASEWORKER, email="cw@example.org", full_name="Carl Case")
    feed = feed_receive(
        kind=FeedKind.ATTENDANCE,
        name=SAMPLE.name,
        content=SAMPLE.read_bytes(),
        source="upload",
        acting_user=uploader,
    )
    feed_import_run(feed_id=feed.pk)
    feed.refresh_from_db()
    assert (feed.status, feed.counts["rows_held"]) == (ImportStatus.IMPORTED, 0)
    assert AttendanceDay.objects.count() == 6
    return made


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def calendar(page):
    return page.get_by_role("img", name="Calendar of attendance marks, Autumn term 2025/26")


def codes_on(page, code: str):
    """The code letters drawn in the calendar's cells."""
    return calendar(page).locator("text").filter(has_text=re.compile(f"^{re.escape(code)}$"))


def test_a_caseworker_sees_the_imported_marks_on_the_childs_calendar(page, accessible, children):
    sign_in(page, "cw@example.org")

    # Amira was ill on 4 November: I in both halves of the day, and the reason in the table.
    page.goto(reverse("pupils:child_detail", args=[children["Amira"].pk]))
    page.get_by_role("navigation", name="Child's record").get_by_role(
        "link", name="Attendance"
    ).click()
    expect(page.get_by_role("heading", name="Attendance: Autumn term 2025/26")).to_be_visible()
    expect(calendar(page)).to_be_visible()
    expect(codes_on(page, "I")).to_have_count(2)
    expect(codes_on(page, "/")).to_have_count(1)
    expect(page.get_by_text("Attendance this term")).to_be_visible()
    accessible(page)

    page.get_by_text("Show the marks as a table").click()
    row = page.get_by_role("row", name=re.compile("Tue 4 Nov"))
    expect(row).to_contain_text("Illness (not medical or dental appointments)")
    expect(row).to_contain_text("Sickness bug")
    expect(row).to_contain_text("Carer rang school 08:40")
    accessible(page)

    # Jayden was suspended on 4 November: E, with no alternative provision.
    page.goto(reverse("outcomes:child_attendance", args=[children["Jayden"].pk]))
    expect(codes_on(page, "E")).to_have_count(2)
    expect(codes_on(page, "L")).to_have_count(1)
    day = calendar(page).locator("title").filter(has_text="Tuesday 4 November 2025")
    expect(day).to_have_text(
        "Tuesday 4 November 2025: AM E (authorised absence), PM E (authorised absence)"
    )
    accessible(page)


def test_the_overview_shows_the_cohort_from_the_sample(page, accessible, children):
    sign_in(page, "cw@example.org")

    page.goto(reverse("outcomes:attendance_overview"))

    expect(page.get_by_role("heading", name="Attendance of children in care")).to_be_visible()
    # 11 marks, all possible sessions: / \ L \ and Lily's afternoon / attended; I I, E E, C2
    # and N missed.
    expect(page.get_by_text("5 of 11 possible sessions")).to_be_visible()
    absentees = page.locator("table").filter(has_text="Sessions missed")
    expect(absentees.get_by_role("link", name="Jayden Morris")).to_be_visible()
    accessible(page)

    absentees.get_by_role("link", name="Lily Parker").click()
    expect(page.get_by_role("heading", name="Attendance: Autumn term 2025/26")).to_be_visible()
    expect(codes_on(page, "C2")).to_have_count(1)
    expect(codes_on(page, "N")).to_have_count(1)
    accessible(page)
