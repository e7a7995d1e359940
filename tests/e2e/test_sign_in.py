"""Each role signs in through the real sign-in page, in a real browser, and every page they
see passes axe-core's WCAG 2.2 AA rules with no serious or critical violations."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory
from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

HOME_HEADINGS = {
    Role.HEAD: "Your Virtual School",
    Role.CASEWORKER: "Your caseload",
    Role.DESIGNATED_TEACHER: "Personal Education Plans to complete",
    Role.SOCIAL_WORKER: "Your children",
    Role.GOVERNOR: "Reports",
    Role.ADMIN: "Administration",
}


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_to_its_own_accessible_home_page(page, accessible, role):
    user = UserFactory(role=role, email=f"{role}@example.org", full_name="Jo Bloggs")

    page.goto("/")
    expect(page).to_have_title(re.compile("^Sign in"))
    accessible(page)
    sign_in(page, user.email)

    expect(page.get_by_role("heading", name=HOME_HEADINGS[role], exact=True)).to_be_visible()
    expect(page.get_by_text(f"({user.get_role_display()})")).to_be_visible()
    accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_wrong_password_error_summary_is_accessible_and_links_to_the_field(page, accessible):
    UserFactory(role=Role.CASEWORKER, email="cw@example.org")

    sign_in(page, "cw@example.org", "wrong password")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(summary).to_be_focused()  # GOV.UK Frontend's JavaScript moved focus to it
    accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Email address")).to_be_focused()


def test_keyboard_user_can_skip_to_main_content_and_sign_in(page):
    UserFactory(role=Role.GOVERNOR, email="gov@example.org")
    page.goto("/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type("gov@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Reports")).to_be_visible()


def test_change_password_pages_are_accessible(page, accessible):
    UserFactory(role=Role.SOCIAL_WORKER, email="sw@example.org")
    sign_in(page, "sw@example.org")

    page.get_by_role("link", name="Change password").click()
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    accessible(page)
