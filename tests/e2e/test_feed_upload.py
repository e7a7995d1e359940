"""A caseworker uploads Welfare Call's sample attendance file in a real browser, checks it,
imports it and opens a child's attendance tab. Every page passes axe-core.

The import runs in a Celery task once the confirmation commits; the test runs it by calling
feed_import_run, as the task does, and then refreshes the page as the caseworker would.
"""

from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from outcomes.models import AttendanceDay, AttendanceImport, ImportStatus
from outcomes.services.feeds import feed_import_run
from tests.factories import PASSWORD, ChildFactory, EnrolmentFactory, SchoolFactory, UserFactory
from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "reference"
    / "samples"
    / "welfare_call_attendance.csv"
)
TODAY = "2025-11-10 09:00 +00:00"  # the Monday after the sample's days


@pytest.fixture(autouse=True)
def _today_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(TODAY, tick=True):
        yield


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sample_children() -> dict:
    children = {}
    for la_id, urn, first, last in (
        ("100234", "111742", "Amira", "Khan"),
        ("100871", "111766", "Jayden", "Morris"),
        ("101002", "111750", "Lily", "Parker"),
    ):
        child = ChildFactory(la_child_id=la_id, legal_first_name=first, legal_last_name=last)
        EnrolmentFactory(child=child, school=SchoolFactory(urn=urn))
        children[la_id] = child
    return children


def test_caseworker_uploads_the_sample_checks_it_imports_it_and_sees_the_marks(page, accessible):
    UserFactory(role=Role.CASEWORKER, email="cw@example.org", full_name="Carl Case")
    amira = sample_children()["100234"]
    sign_in(page, "cw@example.org")

    page.goto(reverse("outcomes:feed_list"))
    expect(page.get_by_role("heading", name="Attendance imports")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Upload a file").click()

    expect(page.get_by_role("heading", name="Upload an attendance file")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select what is in the file")
    expect(summary).to_be_focused()
    accessible(page)

    page.get_by_label("Daily attendance").check()
    page.get_by_label("Upload a file").set_input_files(SAMPLE)
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", name="Check the file")).to_be_visible()
    expect(page.get_by_text("Nothing has been changed yet")).to_be_visible()
    created = page.locator(".govuk-summary-list__row", has_text="Marks that would be created")
    expect(created).to_contain_text("11")
    accessible(page)
    assert not AttendanceDay.objects.exists()

    page.get_by_role("button", name="Import the good rows").click()
    expect(page.get_by_text("The file is being imported")).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Waiting to be imported")).to_be_visible()
    accessible(page)

    feed = AttendanceImport.objects.get()
    feed_import_run(feed_id=feed.pk)  # what the Celery task does
    page.get_by_role("link", name="Refresh this page").click()

    expect(page.get_by_role("heading", name="Import report")).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Imported")).to_be_visible()
    done = page.locator(".govuk-summary-list__row", has_text="Marks created")
    expect(done).to_contain_text("11")
    accessible(page)
    assert AttendanceImport.objects.get().status == ImportStatus.IMPORTED

    page.goto(reverse("outcomes:child_attendance", args=[amira.pk]))
    expect(page.get_by_role("heading", name="Amira Khan", level=1)).to_be_visible()
    expect(page.get_by_text("No attendance marks have been received for this term")).to_have_count(
        0
    )
    calendar = page.locator("svg title", has_text="Calendar of attendance marks")
    expect(calendar).to_have_count(1)
    accessible(page)
