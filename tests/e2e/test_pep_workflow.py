"""A PEP from start to approval in a real browser: a designated teacher completes and submits
it; a caseworker returns it with a reason; the teacher fixes it and resubmits; the caseworker
approves it with a Green rating; it is locked; and the school's termly Pupil Premium Plus
allocation is in the ledger. Every page visited passes axe-core."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from peps.models import GrantYear, LedgerCategory, LedgerEntry, Pep, PepStatus
from pupils.models import AllocationRole
from tests.factories import (
    PASSWORD,
    AllocationFactory,
    ChildFactory,
    DesignatedTeacherFactory,
    EnrolmentFactory,
    SchoolFactory,
    UserFactory,
)
from vschool.accounts.models import Role
from vschool.dates import academic_year_of, term_of

pytestmark = pytest.mark.django_db(transaction=True)

COMPLETE = "Yes, I’ve completed this section"


def sign_in(page: Page, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def pep() -> Pep:
    """Robin, in Year 7 this school year, with a termly PEP due in a fortnight."""
    today = timezone.localdate()
    term = term_of(today)
    teacher = UserFactory(
        role=Role.DESIGNATED_TEACHER, email="dt@example.org", full_name="Tara Teach"
    )
    caseworker = UserFactory(role=Role.CASEWORKER, email="cw@example.org", full_name="Carl Case")
    school = SchoolFactory(name="Example Academy")
    DesignatedTeacherFactory(user=teacher, school=school)
    child = ChildFactory(
        legal_first_name="Robin",
        legal_last_name="Example",
        date_of_birth=datetime.date(academic_year_of(today) - 11, 1, 15),
    )
    EnrolmentFactory(child=child, school=school, start_date=today - datetime.timedelta(days=400))
    AllocationFactory(
        child=child,
        user=caseworker,
        role=AllocationRole.CASEWORKER,
        start_date=today - datetime.timedelta(days=400),
    )
    # The financial year the approval falls in (April to March).
    GrantYear.objects.create(
        start_year=today.year if today.month >= 4 else today.year - 1,
        grant_received=100_000,
        rate_per_child=2630,
        termly_allocation=600,
    )
    return Pep.objects.create(
        child=child,
        school=school,
        kind="termly",
        variant="school_age",
        academic_year=term.academic_year,
        term=term.name.value,
        due_date=today + datetime.timedelta(days=14),
    )


def open_section(page: Page, accessible, title: str) -> None:
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    accessible(page)


def save_complete(page: Page, accessible, title: str) -> None:
    page.get_by_label(COMPLETE).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"“{title}” saved")
    accessible(page)


def add_target(page: Page, accessible, area: str, target: str, measure: str, by: datetime.date):
    page.get_by_role("link", name="Add a target").click()
    expect(page.get_by_role("heading", name="Add a target")).to_be_visible()
    accessible(page)
    page.get_by_label("Area").fill(area)
    page.get_by_label("Target", exact=True).fill(target)
    page.get_by_label("How will you know it has been met?").fill(measure)
    page.get_by_label("What will be done to meet it? (optional)").fill("Small-group sessions")
    page.get_by_label("Who will do it? (optional)").fill("Class teacher")
    when = page.get_by_role("group", name="By when?")
    when.get_by_label("Day").fill(str(by.day))
    when.get_by_label("Month").fill(str(by.month))
    when.get_by_label("Year").fill(str(by.year))
    page.get_by_label("Targeted academic support").check()
    page.get_by_role("button", name="Save target").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Target saved")
    accessible(page)


def complete_every_section(page: Page, accessible, pep: Pep) -> None:
    today = timezone.localdate()

    open_section(page, accessible, "The child’s views")
    page.get_by_label("What does the child say about school and their learning?").fill(
        "I like science because we do experiments."
    )
    save_complete(page, accessible, "The child’s views")

    open_section(page, accessible, "Attendance and suspensions this term")
    expect(page.get_by_text("No attendance recorded for this term yet")).to_be_visible()
    save_complete(page, accessible, "Attendance and suspensions this term")

    open_section(page, accessible, "Attainment and progress")
    first = page.get_by_role("group", name="Subject 1")
    first.get_by_label("Subject").fill("English")
    first.get_by_label("Working at").fill("Grade 4")
    first.get_by_label("End of year target").fill("Grade 5")
    first.get_by_label("Yes").check()
    save_complete(page, accessible, "Attainment and progress")

    open_section(page, accessible, "Special educational needs and EHC plan")
    save_complete(page, accessible, "Special educational needs and EHC plan")

    open_section(page, accessible, "Wellbeing and what helps")
    page.get_by_label("How is the child’s wellbeing?").fill("Settled, with two good friends.")
    page.get_by_label("What helps the child to learn and to feel safe at school?").fill(
        "A calm start to the day with his key adult."
    )
    save_complete(page, accessible, "Wellbeing and what helps")

    open_section(page, accessible, "SMART targets")
    add_target(
        page,
        accessible,
        "Reading",
        "Read aloud with expression",
        "Reads 90 words a minute with 95% accuracy",
        pep.due_date,
    )
    add_target(
        page,
        accessible,
        "Maths",
        "Know the times tables to 12",
        "25 out of 25 on the weekly test",
        pep.due_date,
    )
    save_complete(page, accessible, "SMART targets")

    open_section(page, accessible, "Meeting date and who attended")
    meeting = page.get_by_role("group", name="When was the PEP meeting?")
    meeting.get_by_label("Day").fill(str(today.day))
    meeting.get_by_label("Month").fill(str(today.month))
    meeting.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Who attended?").fill("Robin, his carer and Tara Teach")
    save_complete(page, accessible, "Meeting date and who attended")


def submit(page: Page, accessible) -> None:
    page.get_by_role("link", name="Check and submit").click()
    expect(page.get_by_role("heading", name="Check the PEP before you submit it")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Submit the PEP").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "PEP submitted to the Virtual School"
    )
    accessible(page)


def open_review(page: Page, accessible, pep: Pep) -> None:
    sign_in(page, "cw@example.org")
    accessible(page)
    page.goto(reverse("peps:pep_list"))
    accessible(page)
    page.get_by_role("link", name=re.compile("^Robin Example")).first.click()
    accessible(page)
    page.get_by_role("link", name="Review this PEP").click()
    expect(page.get_by_role("heading", name="Review this PEP")).to_be_visible()
    accessible(page)


def test_a_pep_is_completed_returned_fixed_and_approved(page, accessible, pep):
    # The designated teacher completes and submits the PEP.
    sign_in(page, "dt@example.org")
    accessible(page)
    page.goto(reverse("peps:pep_list"))
    accessible(page)
    page.get_by_role("link", name=re.compile("^Robin Example")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PEP")
    accessible(page)
    complete_every_section(page, accessible, pep)
    submit(page, accessible)

    # The caseworker returns it with a reason.
    open_review(page, accessible, pep)
    page.get_by_label("Amber").check()
    page.get_by_label("Feedback on “The child’s views” (optional)").fill(
        "Ask Robin what helps him in science."
    )
    page.get_by_role("button", name="Return to the school").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you are returning the PEP"
    )
    accessible(page)
    page.get_by_label("Why are you returning it?").fill("Please add more of Robin’s own words.")
    page.get_by_role("button", name="Return to the school").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "PEP returned to the school"
    )
    accessible(page)

    # The teacher reads why, fixes it and resubmits.
    sign_in(page, "dt@example.org")
    page.goto(reverse("peps:pep_list"))
    expect(page.get_by_text("Returned: Please add more of Robin’s own words.")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Robin Example")).first.click()
    banner = page.locator(".govuk-notification-banner").first
    expect(banner).to_contain_text("Please add more of Robin’s own words.")
    expect(banner).to_contain_text("Ask Robin what helps him in science.")
    accessible(page)
    banner.get_by_role("link", name="The child’s views").click()  # the feedback's link
    expect(page.get_by_text("Ask Robin what helps him in science.")).to_be_visible()
    accessible(page)
    page.get_by_label("What does the child say about school and their learning?").fill(
        "I like science because we do experiments. Sitting near the front helps me."
    )
    save_complete(page, accessible, "The child’s views")
    submit(page, accessible)

    # The caseworker approves it, rated Green.
    open_review(page, accessible, pep)
    page.get_by_label("Green").check()
    page.get_by_role("button", name="Approve this PEP").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "PEP approved and rated Green"
    )
    expect(page.get_by_text("Approved PEPs are locked.")).to_be_visible()
    expect(page.get_by_role("link", name="Review this PEP")).to_have_count(0)
    accessible(page)

    # It is locked, for the teacher too.
    sign_in(page, "dt@example.org")
    page.goto(reverse("peps:pep_detail", args=[pep.pk]))
    expect(page.get_by_role("link", name="Check and submit")).to_have_count(0)
    open_section(page, accessible, "The child’s views")
    expect(page.get_by_text("This PEP has been approved, so it cannot be changed.")).to_be_visible()
    expect(page.get_by_role("button", name="Save and continue")).to_have_count(0)

    pep.refresh_from_db()
    assert (pep.status, pep.rating, pep.rated_by.email) == (
        PepStatus.APPROVED,
        "green",
        "cw@example.org",
    )
    allocation = LedgerEntry.objects.get(pep=pep)
    assert (allocation.category, allocation.amount, allocation.school_id) == (
        LedgerCategory.SCHOOL_ALLOCATION,
        600,
        pep.school_id,
    )


def test_every_pep_page_is_accessible_blank_with_errors_and_read_only(page, accessible, pep):
    from peps.sections import sections_for
    from peps.services import workflow
    from tests.peps.conftest import PepTargetFactory, complete_pep

    teacher = pep.school.designated_teachers.get().user
    caseworker = UserFactory._meta.model.objects.get(email="cw@example.org")
    social_worker = UserFactory(role=Role.SOCIAL_WORKER, email="sw@example.org")
    AllocationFactory(
        child=pep.child,
        user=social_worker,
        role=AllocationRole.SOCIAL_WORKER,
        start_date=pep.due_date - datetime.timedelta(days=400),
    )
    target = PepTargetFactory(pep=pep)

    # The school's pages, blank and then with the errors of an empty "completed" answer.
    sign_in(page, "dt@example.org")
    for url in [
        reverse("peps:pep_list"),
        reverse("peps:pep_detail", args=[pep.pk]),
        reverse("peps:pep_submit", args=[pep.pk]),
        reverse("peps:child_peps", args=[pep.child_id]),
    ]:
        page.goto(url)
        accessible(page)
    for spec in sections_for(pep):
        if spec.key == "care":
            continue
        page.goto(reverse("peps:section_edit", args=[pep.pk, spec.key]))
        accessible(page)
        page.get_by_label(COMPLETE).check()
        if spec.key == "targets":
            target.delete()
        page.get_by_role("button", name="Save and continue").click()
        # Sections with nothing that must be answered (attendance, SEN) are simply saved.
        expect(
            page.locator(".govuk-error-summary, .govuk-notification-banner--success")
        ).to_be_visible()
        accessible(page)
    targets = reverse("peps:section_edit", args=[pep.pk, "targets"])
    page.goto(f"{targets}?target=new")
    page.get_by_role("button", name="Save target").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    accessible(page)
    kept = PepTargetFactory(pep=pep)
    page.goto(f"{targets}?target={kept.pk}&remove=yes")
    accessible(page)

    # The social worker reads the school's sections and writes the care section.
    sign_in(page, "sw@example.org")
    page.goto(reverse("peps:section_edit", args=[pep.pk, "views"]))
    expect(page.get_by_text("You can read this section but not change it.")).to_be_visible()
    accessible(page)
    page.goto(reverse("peps:section_edit", args=[pep.pk, "care"]))
    page.get_by_label(COMPLETE).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter what has changed in the child’s placement or care plan"
    )
    accessible(page)

    # The Virtual School's list, review and new version pages.
    complete_pep(pep, teacher)
    workflow.pep_submit(acting_user=teacher, pep=pep)
    sign_in(page, "cw@example.org")
    page.goto(reverse("peps:pep_list") + f"?school={pep.school_id}&status=submitted")
    expect(page.get_by_text("1 PEP", exact=True)).to_be_visible()
    accessible(page)
    page.goto(reverse("peps:pep_review", args=[pep.pk]))
    page.get_by_role("button", name="Approve this PEP").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select a rating before you approve the PEP"
    )
    accessible(page)
    workflow.pep_approve(acting_user=caseworker, pep=pep, rating="gold", feedback={})
    page.goto(reverse("peps:pep_new_version", args=[pep.pk]))
    accessible(page)
    page.get_by_role("button", name="Start version 2").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Version 2 started")
    accessible(page)
    page.goto(reverse("peps:child_peps", args=[pep.child_id]))
    expect(page.get_by_text("Gold")).to_be_visible()
    accessible(page)
