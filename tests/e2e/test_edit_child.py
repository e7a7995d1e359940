"""A caseworker records a placement change in a real browser: the GOV.UK date input, the error
summary for an impossible date, and the success banner once it is fixed. Every page passes
axe-core."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from pupils.models import CareEpisode
from tests.factories import PASSWORD, CareEpisodeFactory, EnrolmentFactory, UserFactory
from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

CHILD_PAGES = ["allocation_change", "enrolment_add", "placement_change", "sen_change"]


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_caseworker_records_a_placement_change_and_corrects_an_impossible_date(page, accessible):
    UserFactory(role=Role.CASEWORKER, email="cw@example.org", full_name="Carl Case")
    episode = CareEpisodeFactory(
        start_date=datetime.date(2022, 5, 1),
        placement_type="U4",
        child__legal_first_name="Robin",
        child__legal_last_name="Example",
    )
    sign_in(page, "cw@example.org")

    page.goto(reverse("pupils:placement_change", args=[episode.child.pk]))
    expect(page.get_by_role("heading", name="Record a placement change")).to_be_visible()
    expect(page.get_by_text("Robin Example")).to_be_visible()
    accessible(page)

    started = page.get_by_role("group", name="Date the new placement started")
    started.get_by_label("Day").fill("31")
    started.get_by_label("Month").fill("2")
    started.get_by_label("Year").fill("2025")
    page.get_by_role("group", name="Is the child staying with the same carers?").get_by_label(
        "No"
    ).check()
    page.get_by_label("Placement type").select_option("U6")
    page.get_by_label("Private provision (PR4)").check()
    page.get_by_label("Why did the placement change?").select_option("CREQB")
    page.get_by_role("button", name="Save placement change").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The date the placement started must be a real date")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: Record a placement change"))
    accessible(page)
    summary.get_by_role("link", name="The date the placement started must be a real date").click()
    expect(started.get_by_label("Day")).to_be_focused()

    page.keyboard.press("Control+A")
    page.keyboard.type("28")
    page.get_by_role("button", name="Save placement change").click()

    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Placement change saved")
    accessible(page)
    new = CareEpisode.objects.get(child=episode.child, start_date=datetime.date(2025, 2, 28))
    assert (new.placement_type, new.reason_new_episode) == ("U6", "P")


def test_every_edit_page_is_accessible_blank_and_with_errors(page, accessible):
    UserFactory(role=Role.CASEWORKER, email="cw@example.org")
    enrolment = EnrolmentFactory(child=CareEpisodeFactory().child)
    child = enrolment.child
    # (page, a box to clear first on a form that starts filled in)
    pages = [
        (reverse("pupils:child_add"), None),
        (reverse("pupils:child_edit", args=[child.pk]), "Last name"),
        *((reverse(f"pupils:{name}", args=[child.pk]), None) for name in CHILD_PAGES),
        (reverse("pupils:enrolment_end", args=[child.pk, enrolment.pk]), None),
        (reverse("pupils:school_add"), None),
        (reverse("pupils:school_edit", args=[enrolment.school.pk]), "Name"),
    ]
    sign_in(page, "cw@example.org")

    for url, prefilled in pages:
        page.goto(url)
        accessible(page)
        if prefilled:
            page.get_by_label(prefilled, exact=True).fill("")
        page.locator("main form").get_by_role("button").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        accessible(page)
