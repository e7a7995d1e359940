"""The PEP pages over HTTP: who may open which PEP (a designated teacher their own school's
children only, 404 otherwise; a social worker reads everything and writes only the care
section; governors and administrators nothing), the section, target, submit and review pages,
the PDF, the child record's PEPs tab, the lists and the home-page task list."""

import re
import zlib

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from peps.models import Notification, PepStatus
from peps.services import workflow
from tests.factories import (
    DesignatedTeacherFactory,
    EnrolmentFactory,
    SchoolFactory,
    UserFactory,
)
from tests.peps.conftest import PepFactory, PepTargetFactory, complete_pep, complete_section
from vschool.accounts.models import Role


def url(name: str, *args) -> str:
    return reverse(f"peps:{name}", args=args)


def text(response) -> str:
    """The page's text without tags or runs of whitespace, as a reader meets it."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def pep_pages(pep) -> list[str]:
    return [
        url("pep_detail", pep.pk),
        url("section_edit", pep.pk, "views"),
        url("pep_pdf", pep.pk),
        url("child_peps", pep.child_id),
    ]


# --- Who may open what -------------------------------------------------------------------------


def test_designated_teacher_opens_their_own_schools_peps(world, client_for):
    client = client_for(world.teacher)

    for page in pep_pages(world.pep):
        assert client.get(page).status_code == 200, page


def test_designated_teacher_gets_not_found_for_another_schools_pep(world, client_for):
    other = PepFactory()
    EnrolmentFactory(child=other.child, school=other.school)
    client = client_for(world.teacher)

    for page in [*pep_pages(other), url("pep_submit", other.pk)]:
        assert client.get(page).status_code == 404, page


def test_a_child_who_left_the_school_takes_their_peps_with_them(world, client_for):
    enrolment = world.child.enrolments.get()
    enrolment.end_date = enrolment.start_date.replace(year=2025, month=10, day=31)
    enrolment.save()

    assert client_for(world.teacher).get(url("pep_detail", world.pep.pk)).status_code == 404


@pytest.mark.parametrize("role", [Role.GOVERNOR, Role.ADMIN])
def test_governors_and_administrators_are_refused_every_pep_page(world, client_for, role):
    client = client_for(UserFactory(role=role))

    for page in [*pep_pages(world.pep), url("pep_list"), url("pep_review", world.pep.pk)]:
        assert client.get(page).status_code == 403, page


def test_social_worker_reads_the_school_sections_but_cannot_change_them(world, client_for):
    complete_section(world.pep, "views", world.teacher)
    client = client_for(world.social_worker)

    page = client.get(url("section_edit", world.pep.pk, "views"))
    posted = client.post(
        url("section_edit", world.pep.pk, "views"),
        {"child_views": "Changed by the social worker", "completed": "yes"},
    )

    assert page.status_code == 200
    assert "I like science because we do experiments." in text(page)
    assert "You can read this section but not change it." in text(page)
    assert 'name="child_views"' not in page.content.decode()
    assert posted.status_code == 403
    assert world.pep.sections.get(key="views").answers["child_views"].startswith("I like")


def test_social_worker_writes_the_care_section(world, client_for):
    response = client_for(world.social_worker).post(
        url("section_edit", world.pep.pk, "care"),
        {"placement": "Moved to a new foster carer in October.", "completed": "yes"},
    )

    assert response.status_code == 302
    section = world.pep.sections.get(key="care")
    assert section.answers["placement"] == "Moved to a new foster carer in October."
    assert section.updated_by == world.social_worker


def test_social_worker_of_another_child_gets_not_found(world, client_for):
    stranger = UserFactory(role=Role.SOCIAL_WORKER)

    assert client_for(stranger).get(url("pep_detail", world.pep.pk)).status_code == 404


def test_only_the_virtual_school_opens_the_review_page(submitted, world, client_for):
    assert client_for(world.teacher).get(url("pep_review", world.pep.pk)).status_code == 403
    assert client_for(world.caseworker).get(url("pep_review", world.pep.pk)).status_code == 200


def test_only_the_school_opens_the_submit_page(world, client_for):
    assert client_for(world.caseworker).get(url("pep_submit", world.pep.pk)).status_code == 403
    assert client_for(world.teacher).get(url("pep_submit", world.pep.pk)).status_code == 200


# --- The PEP and its sections ------------------------------------------------------------------


def test_the_pep_page_lists_its_sections_with_their_status(world, client_for):
    complete_section(world.pep, "views", world.teacher)
    complete_section(world.pep, "wellbeing", world.teacher, completed=False)

    page = text(client_for(world.teacher).get(url("pep_detail", world.pep.pk)))

    assert "Autumn term 2025/26 PEP" in page
    assert "The child’s views In their own words Completed" in page
    assert "Wellbeing and what helps In progress" in page
    assert "SMART targets With Pupil Premium Plus requests Not yet started" in page
    assert "Check and submit" in page and "Download as PDF" in page
    assert "Review this PEP" not in page


def test_a_teacher_saves_a_section_from_its_page(world, client_for):
    response = client_for(world.teacher).post(
        url("section_edit", world.pep.pk, "views"),
        {"child_views": "I want to be a vet.", "completed": "no"},
        follow=True,
    )

    assert "“The child’s views” saved" in text(response)
    assert world.pep.sections.get(key="views").answers["child_views"] == "I want to be a vet."
    world.pep.refresh_from_db()
    assert world.pep.status == PepStatus.IN_PROGRESS


def test_a_section_page_shows_its_errors(world, client_for):
    response = client_for(world.teacher).post(
        url("section_edit", world.pep.pk, "views"), {"child_views": "", "completed": "yes"}
    )

    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the child’s views in their own words" in page


def test_a_teacher_adds_changes_and_removes_a_target(world, client_for):
    client = client_for(world.teacher)
    targets = url("section_edit", world.pep.pk, "targets")
    data = {
        "area": "Reading",
        "target": "Read aloud with expression",
        "success_measure": "Reads 90 words a minute",
        "by_when_0": "12",
        "by_when_1": "12",
        "by_when_2": "2025",
        "eef_approach": "targeted",
    }

    added = client.post(f"{targets}?target=new", data)
    target = world.pep.targets.get()
    changed = client.post(f"{targets}?target={target.pk}", {**data, "who": "Mr Page"})
    listing = text(client.get(targets))
    removed = client.post(f"{targets}?target={target.pk}&remove=yes")

    assert (added.status_code, changed.status_code, removed.status_code) == (302, 302, 302)
    assert "Target 1: Reading" in listing and "Mr Page" in listing
    assert "Request Pupil Premium Plus for this target" in listing
    assert not world.pep.targets.exists()


def test_a_target_needs_a_measure_and_a_date(world, client_for):
    response = client_for(world.teacher).post(
        url("section_edit", world.pep.pk, "targets") + "?target=new",
        {"area": "Reading", "target": "Read more"},
    )

    page = text(response)
    assert "Enter how you will know the target has been met" in page
    assert "Enter the date the target should be met by, for example 3 4 2026" in page


def test_returned_pep_shows_the_reason_and_section_feedback(submitted, world, client_for):
    workflow.pep_return(
        acting_user=world.caseworker,
        pep=world.pep,
        reason="Please make the reading target measurable.",
        feedback={"targets": "Say how many words a minute."},
    )

    page = text(client_for(world.teacher).get(url("pep_detail", world.pep.pk)))

    assert "The Virtual School returned this PEP on 3 November 2025" in page
    assert "Please make the reading target measurable." in page
    assert "SMART targets : Say how many words a minute." in page


# --- Submitting and reviewing ------------------------------------------------------------------


def test_the_submit_page_lists_what_is_missing_and_the_failing_checks(world, client_for):
    complete_section(world.pep, "views", world.teacher)

    page = text(client_for(world.teacher).get(url("pep_submit", world.pep.pk)))

    assert "You need to complete these sections before you can submit the PEP" in page
    assert "Set at least 2 targets: the plan has 0." in page
    assert "Submit the PEP</button>" not in response_html(client_for(world.teacher), world.pep)


def response_html(client, pep) -> str:
    return client.get(url("pep_submit", pep.pk)).content.decode()


def test_a_teacher_submits_past_failing_checks(world, client_for):
    complete_pep(world.pep, world.teacher)
    world.pep.targets.exclude(pk=world.pep.targets.first().pk).delete()  # one target only

    page = text(client_for(world.teacher).get(url("pep_submit", world.pep.pk)))
    response = client_for(world.teacher).post(url("pep_submit", world.pep.pk), follow=True)

    assert "Set at least 2 targets: the plan has 1." in page
    assert "You can still submit the PEP" in page
    assert "PEP submitted to the Virtual School" in text(response)
    world.pep.refresh_from_db()
    assert world.pep.status == PepStatus.SUBMITTED


def test_the_reviewer_cannot_approve_a_red_pep(submitted, world, client_for):
    response = client_for(world.caseworker).post(
        url("pep_review", world.pep.pk), {"rating": "red", "action": "approve"}
    )

    assert "A PEP rated Red cannot be approved. Return it to the school with a reason." in text(
        response
    )
    world.pep.refresh_from_db()
    assert world.pep.status == PepStatus.SUBMITTED


def test_the_reviewer_must_give_a_reason_to_return(submitted, world, client_for):
    response = client_for(world.caseworker).post(
        url("pep_review", world.pep.pk), {"rating": "amber", "action": "return", "reason": ""}
    )

    assert "Enter why you are returning the PEP" in text(response)


def test_the_reviewer_returns_with_feedback_then_approves(submitted, world, client_for):
    client = client_for(world.caseworker)
    returned = client.post(
        url("pep_review", world.pep.pk),
        {
            "rating": "red",
            "action": "return",
            "reason": "No measurable targets.",
            "feedback_targets": "Use numbers.",
        },
        follow=True,
    )
    assert "PEP returned to the school" in text(returned)
    workflow.pep_submit(acting_user=world.teacher, pep=world.pep)

    approved = client.post(
        url("pep_review", world.pep.pk), {"rating": "green", "action": "approve"}, follow=True
    )

    assert "PEP approved and rated Green" in text(approved)
    world.pep.refresh_from_db()
    assert (world.pep.status, world.pep.rating) == ("approved", "green")
    assert "Approved PEPs are locked" in text(approved)


def test_an_approved_pep_offers_a_new_version(submitted, world, client_for):
    workflow.pep_approve(acting_user=world.caseworker, pep=world.pep, rating="gold", feedback={})
    client = client_for(world.teacher)

    detail = text(client.get(url("pep_detail", world.pep.pk)))
    response = client.post(url("pep_new_version", world.pep.pk), follow=True)

    assert "Start a new version" in detail
    assert "Version 2 started" in text(response)
    assert world.child.peps.filter(version=2, status="in_progress").exists()


# --- The PDF -----------------------------------------------------------------------------------


def pdf_strings(pdf: bytes) -> bytes:
    """The PDF's bytes with its compressed streams opened, to search for text that WeasyPrint
    writes as strings (the document's title and its outline of headings)."""
    opened = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            opened.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue
    return b"".join(opened)


def test_the_pdf_is_a_pdf_of_the_childs_pep(submitted, world, client_for):
    response = client_for(world.teacher).get(url("pep_pdf", world.pep.pk))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Robin Example" in pdf_strings(response.content)
    assert "Robin" not in response["Content-Disposition"]


def test_the_pdf_page_is_refused_to_a_teacher_at_another_school(world, client_for):
    other_teacher = DesignatedTeacherFactory(school=SchoolFactory()).user

    assert client_for(other_teacher).get(url("pep_pdf", world.pep.pk)).status_code == 404


# --- The child's PEPs tab ----------------------------------------------------------------------


def test_the_childs_record_has_a_peps_tab_with_versions_and_ratings(submitted, world, client_for):
    workflow.pep_approve(acting_user=world.caseworker, pep=world.pep, rating="gold", feedback={})
    workflow.pep_new_version(acting_user=world.teacher, pep=world.pep)

    response = client_for(world.caseworker).get(url("child_peps", world.child.pk))
    summary = client_for(world.caseworker).get(
        reverse("pupils:child_detail", args=[world.child.pk])
    )

    page = text(response)
    assert "Autumn term 2025/26 PEP , version 2 2 Example Academy" in page
    assert "Approved Gold by Carl Case" in page
    assert f'href="{url("child_peps", world.child.pk)}"' in summary.content.decode()


def test_the_peps_tab_is_not_offered_to_those_who_cannot_see_peps(world):
    from pupils.record_tabs import registered_tabs

    tab = next(tab for tab in registered_tabs() if tab.url_name == "peps:child_peps")
    assert tab.allows(world.teacher) and tab.allows(world.social_worker)
    assert not tab.allows(UserFactory(role=Role.GOVERNOR))


# --- Lists and the home page -------------------------------------------------------------------


def test_the_virtual_school_sees_peps_waiting_for_quality_assurance_first(
    submitted, world, client_for
):
    PepFactory(school=world.school, status=PepStatus.APPROVED)

    page = text(client_for(world.caseworker).get(url("pep_list")))

    queue = page.split("Waiting for quality assurance")[1].split("All PEPs")[0]
    assert "Robin Example" in queue
    assert "2 PEPs" in page


def test_the_virtual_school_filters_peps_by_status_term_and_school(world, client_for):
    other_school = SchoolFactory(name="Other High")
    PepFactory(school=other_school, term="spring")

    client = client_for(world.caseworker)
    by_school = text(client.get(url("pep_list"), {"school": world.school.pk}))
    by_term = text(client.get(url("pep_list"), {"term": "2025-spring"}))
    by_status = text(client.get(url("pep_list"), {"status": "approved"}))

    assert "1 PEP Child" in by_school and "Example Academy" in by_school.split("All PEPs")[1]
    assert "1 PEP Child" in by_term and "Other High" in by_term.split("All PEPs")[1]
    assert "0 PEPs" in by_status


def test_the_qa_queue_takes_the_same_queries_for_many_peps(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.caseworker)
    for _ in range(3):
        PepFactory(status=PepStatus.SUBMITTED)
    with django_assert_max_num_queries(30) as few:
        client.get(url("pep_list"))
    for _ in range(30):
        PepFactory(status=PepStatus.SUBMITTED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("pep_list"))


def test_the_teacher_sees_peps_to_complete_with_due_dates_and_return_reasons(
    submitted, world, client_for
):
    workflow.pep_return(
        acting_user=world.caseworker, pep=world.pep, reason="Add views.", feedback={}
    )

    page = text(client_for(world.teacher).get(url("pep_list")))

    to_complete = page.split("PEPs to complete")[1].split("Submitted and approved")[0]
    assert "Robin Example" in to_complete
    assert "28 Nov 2025" in to_complete
    assert "Returned: Add views." in to_complete


def render_tasks(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    html = Template("{% load peps_tasks %}{% my_pep_tasks %}").render(Context({"request": request}))
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_home_page_tasks_for_each_role(submitted, world):
    workflow.pep_return(
        acting_user=world.caseworker, pep=world.pep, reason="Add views.", feedback={}
    )

    teacher = render_tasks(world.teacher)
    social_worker = render_tasks(world.social_worker)
    governor = render_tasks(UserFactory(role=Role.GOVERNOR))

    assert "Robin Example: Autumn term 2025/26 PEP Returned" in teacher
    assert "Returned by the Virtual School: Add views." in teacher
    assert "was returned to the school by Carl Case: Add views." in teacher  # notification
    assert "was submitted for quality assurance by Tara Teach" in social_worker
    assert governor == ""


def test_a_caseworker_sees_their_childrens_peps_waiting(submitted, world):
    someone_else = UserFactory(role=Role.CASEWORKER)

    assert "Robin Example: Autumn term 2025/26 PEP" in render_tasks(world.caseworker)
    assert "No PEPs of your children are waiting" in render_tasks(someone_else)


def test_opening_a_pep_marks_its_notifications_read(submitted, world, client_for):
    assert Notification.objects.filter(user=world.caseworker, read_at__isnull=True).exists()

    client_for(world.caseworker).get(url("pep_detail", world.pep.pk))

    assert not Notification.objects.filter(user=world.caseworker, read_at__isnull=True).exists()


def test_target_cards_show_pupil_premium_plus_asked_for(world, client_for):
    from peps.models import PpRequest

    target = PepTargetFactory(pep=world.pep)
    PpRequest.objects.create(
        pep=world.pep, target=target, amount=250, purpose="Tutor", eef_approach="targeted"
    )

    page = text(client_for(world.teacher).get(url("section_edit", world.pep.pk, "targets")))

    assert "£250.00: Waiting for a decision" in page
