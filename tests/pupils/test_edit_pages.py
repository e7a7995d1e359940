"""The pages that change a child's record or a school, over HTTP: who may use them, what a
successful change does, and the GOV.UK error summary when the input is wrong."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from pupils.models import CareEpisode, Child, CohortMembership, Enrolment, School, SenRecord
from tests.factories import (
    AllocationFactory,
    CareEpisodeFactory,
    ChildFactory,
    DesignatedTeacherFactory,
    EnrolmentFactory,
    SchoolFactory,
    SenRecordFactory,
    UserFactory,
    make_upn,
)
from vschool.accounts.models import Role

D = datetime.date
TODAY = datetime.datetime(2025, 11, 20, 10, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def date_fields(name: str, day: datetime.date | tuple) -> dict[str, str]:
    """A GOV.UK date input's three boxes as a browser posts them."""
    parts = (day.day, day.month, day.year) if isinstance(day, datetime.date) else day
    return {f"{name}_{index}": str(part) for index, part in enumerate(parts)}


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def child_url(name: str, child: Child) -> str:
    return reverse(f"pupils:{name}", args=[child.pk])


@pytest.fixture
def in_care():
    """A child in foster care since May 2022, at a secondary school since September 2023."""
    episode = CareEpisodeFactory(start_date=D(2022, 5, 1), placement_type="U4")
    EnrolmentFactory(child=episode.child, start_date=D(2023, 9, 1), school__name="Old School")
    return episode.child


# --- A caseworker's changes -------------------------------------------------------------------


def test_caseworker_adds_a_child(client_for, caseworker):
    client = client_for(caseworker)
    page = client.get(reverse("pupils:child_add"))
    assert page.status_code == 200
    assert "Add a child" in page.text

    response = client.post(
        reverse("pupils:child_add"),
        {
            "la_child_id": "C777001",
            "legal_first_name": "Ada",
            "legal_last_name": "Example",
            **date_fields("date_of_birth", D(2015, 4, 30)),
            "sex": "2",
            "upn": make_upn(4242),
            "year_group_adjustment": "0",
            "cohort": "cwsw",
            **date_fields("cohort_start", D(2025, 9, 1)),
        },
    )

    child = Child.objects.get(la_child_id="C777001")
    assert response.status_code == 302
    assert response["Location"] == child_url("child_detail", child)
    assert flashed(response) == ["Child added"]
    assert (child.display_name, child.date_of_birth) == ("Ada Example", D(2015, 4, 30))
    assert CohortMembership.objects.get(child=child).cohort == "cwsw"


def test_caseworker_changes_a_childs_details(client_for, caseworker):
    child = ChildFactory(preferred_name="")
    client = client_for(caseworker)
    page = client.get(child_url("child_edit", child))
    assert page.status_code == 200
    assert child.display_name in page.text  # the caption says whose record it is
    assert 'name="date_of_birth_0" value="15"' in page.text  # the date of birth, filled in

    response = client.post(
        child_url("child_edit", child),
        {
            "legal_first_name": child.legal_first_name,
            "legal_last_name": child.legal_last_name,
            "preferred_name": "Sunny",
            **date_fields("date_of_birth", child.date_of_birth),
            "upn": child.upn,
            "year_group_adjustment": "-1",
        },
    )

    assert response.status_code == 302
    assert flashed(response) == ["Child's details saved"]
    child.refresh_from_db()
    assert (child.preferred_name, child.year_group_adjustment) == ("Sunny", -1)


def test_caseworker_records_a_placement_change(client_for, caseworker, in_care):
    client = client_for(caseworker)
    page = client.get(child_url("placement_change", in_care))
    assert page.status_code == 200
    assert "Fostered with other foster carers: long-term" in page.text  # recorded now

    response = client.post(
        child_url("placement_change", in_care),
        {
            **date_fields("start_date", D(2025, 10, 13)),
            "same_carers": "no",
            "placement_type": "U6",
            "placement_provider": "PR4",
            "reason_placement_change": "CREQB",
            "placement_postcode_district": "pe2 6ab",
            "legal_status": "",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == child_url("child_detail", in_care)
    assert flashed(response) == ["Placement change saved"]
    episodes = CareEpisode.objects.filter(child=in_care).order_by("start_date")
    assert [(e.start_date, e.end_date, e.reason_new_episode) for e in episodes] == [
        (D(2022, 5, 1), D(2025, 10, 13), "S"),
        (D(2025, 10, 13), None, "P"),
    ]
    new = episodes.last()
    assert (new.placement_postcode_district, new.placement_provider) == ("PE2", "PR4")
    assert new.events.get().pgh_context.metadata["user"] == caseworker.pk


def test_caseworker_adds_a_school_place(client_for, caseworker, in_care):
    new_school = SchoolFactory(urn="654321", name="Hilltop Academy")

    response = client_for(caseworker).post(
        child_url("enrolment_add", in_care),
        {
            "school": "654321",
            "kind": "main",
            **date_fields("start_date", D(2025, 11, 3)),
            "year_group": "",
            "is_phase_transfer": "no",
        },
    )

    assert response.status_code == 302
    assert flashed(response) == ["School enrolment added"]
    places = Enrolment.objects.filter(child=in_care).order_by("start_date")
    assert [(p.school.name, p.end_date) for p in places] == [
        ("Old School", D(2025, 11, 2)),
        (new_school.name, None),
    ]


def test_caseworker_ends_a_school_place(client_for, caseworker, in_care):
    enrolment = in_care.enrolments.get()
    url = reverse("pupils:enrolment_end", args=[in_care.pk, enrolment.pk])

    response = client_for(caseworker).post(url, date_fields("end_date", D(2025, 10, 24)))

    assert response.status_code == 302
    assert flashed(response) == ["School enrolment ended"]
    enrolment.refresh_from_db()
    assert enrolment.end_date == D(2025, 10, 24)


def test_caseworker_records_an_sen_change(client_for, caseworker):
    current = SenRecordFactory(start_date=D(2022, 9, 1), provision="K", primary_need="SEMH")

    response = client_for(caseworker).post(
        child_url("sen_change", current.child),
        {
            **date_fields("start_date", D(2025, 11, 14)),
            "provision": "E",
            "primary_need": "SEMH",
            "secondary_need": "",
            "ehcp_issuing_la_code": "874",
        },
    )

    assert response.status_code == 302
    assert flashed(response) == ["SEN change saved"]
    records = SenRecord.objects.filter(child=current.child).order_by("start_date")
    assert [(r.provision, r.start_date, r.end_date) for r in records] == [
        ("K", D(2022, 9, 1), D(2025, 11, 13)),
        ("E", D(2025, 11, 14), None),
    ]


def test_caseworker_changes_the_social_worker(client_for, caseworker, in_care):
    social_worker = UserFactory(role=Role.SOCIAL_WORKER, full_name="Sasha Social")
    client = client_for(caseworker)
    page = client.get(child_url("allocation_change", in_care) + "?role=social_worker")
    assert "Sasha Social (Social worker)" in page.text

    response = client.post(
        child_url("allocation_change", in_care),
        {
            "role": "social_worker",
            "user": social_worker.pk,
            **date_fields("start_date", D(2025, 11, 17)),
        },
    )

    assert response.status_code == 302
    assert flashed(response) == ["Change of caseworker or social worker saved"]
    assert in_care.allocations.get().user == social_worker


def test_caseworker_adds_and_changes_a_school(client_for, caseworker):
    client = client_for(caseworker)
    details = {"urn": "123456", "name": "Riverside Primary", "phase": "primary", "la_code": "874"}
    response = client.post(reverse("pupils:school_add"), {**details, "is_open": "yes"})
    school = School.objects.get(urn="123456")
    assert response["Location"] == reverse("pupils:school_detail", args=[school.pk])
    assert flashed(response) == ["School added"]

    edit_url = reverse("pupils:school_edit", args=[school.pk])
    assert 'value="Riverside Primary"' in client.get(edit_url).text
    client.post(edit_url, {**details, "is_open": "no"})
    school.refresh_from_db()
    assert school.is_open is False


# --- Errors -----------------------------------------------------------------------------------


def test_an_impossible_date_shows_the_error_summary_linked_to_the_day(
    client_for, caseworker, in_care
):
    response = client_for(caseworker).post(
        child_url("placement_change", in_care),
        {**date_fields("start_date", (31, 2, 2025)), "placement_type": "U6"},
    )

    assert response.status_code == 200
    html = response.text
    assert "<title>Error: Record a placement change" in html
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_start_date_0">The date the placement started must be a real date</a>' in (
        html
    )
    carers_error = "Select yes if the child is staying with the same carers"
    assert f'<a href="#id_same_carers_1">{carers_error}</a>' in html
    assert '<a href="#id_placement_provider_1">Select who provides the placement</a>' in html
    assert "govuk-input--error" in html
    assert CareEpisode.objects.filter(child=in_care).count() == 1


def test_a_missing_date_asks_for_it_with_an_example(client_for, caseworker, in_care):
    response = client_for(caseworker).post(
        child_url("placement_change", in_care), {"start_date_0": "", "start_date_1": ""}
    )
    assert "Enter the date the placement started, for example 27 3 2025" in response.text


def test_a_broken_rule_comes_back_on_the_question_to_correct(client_for, caseworker):
    left_care = CareEpisodeFactory(end_date=D(2024, 3, 1), reason_ceased="E4A").child

    response = client_for(caseworker).post(
        child_url("placement_change", left_care),
        {
            **date_fields("start_date", D(2025, 10, 13)),
            "same_carers": "no",
            "placement_type": "U6",
            "placement_provider": "PR1",
            "reason_placement_change": "CHILD",
        },
    )

    assert response.status_code == 200
    assert (
        '<a href="#id_start_date_0">The child was not in care on 13 October 2025, going by the '
        "care episodes from the social-care system. Check the date</a>"
    ) in response.text
    assert flashed(response) == []


def test_a_wrong_upn_check_letter_is_explained(client_for, caseworker):
    child = ChildFactory()
    good = make_upn(5)
    wrong = ("B" if good[0] != "B" else "C") + good[1:]

    response = client_for(caseworker).post(
        child_url("child_edit", child),
        {
            "legal_first_name": "A",
            "legal_last_name": "B",
            **date_fields("date_of_birth", child.date_of_birth),
            "upn": wrong,
            "year_group_adjustment": "0",
        },
    )

    assert f"UPN {wrong} has the wrong check letter (it should start {good[0]})" in response.text


# --- Who may use these pages ------------------------------------------------------------------

CHILD_PAGES = [
    "child_edit",
    "allocation_change",
    "enrolment_add",
    "placement_change",
    "sen_change",
]


def every_edit_url(child: Child, enrolment: Enrolment, school: School) -> list[str]:
    return [
        reverse("pupils:child_add"),
        *(child_url(name, child) for name in CHILD_PAGES),
        reverse("pupils:enrolment_end", args=[child.pk, enrolment.pk]),
        reverse("pupils:school_add"),
        reverse("pupils:school_edit", args=[school.pk]),
    ]


@pytest.mark.parametrize(
    "persona", [Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER, Role.GOVERNOR], indirect=True
)
def test_only_virtual_school_staff_may_use_the_edit_pages(client_for, persona):
    """Even a teacher or social worker who can see the child may not change the record."""
    enrolment = EnrolmentFactory(start_date=D(2023, 9, 1))
    if persona.role == Role.DESIGNATED_TEACHER:
        DesignatedTeacherFactory(user=persona, school=enrolment.school)
    if persona.role == Role.SOCIAL_WORKER:
        AllocationFactory(child=enrolment.child, user=persona, role="social_worker")
    client = client_for(persona)
    if persona.role != Role.GOVERNOR:  # they can see the record itself
        assert client.get(child_url("child_detail", enrolment.child)).status_code == 200

    for url in every_edit_url(enrolment.child, enrolment, enrolment.school):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


@pytest.mark.parametrize("persona", [Role.HEAD, Role.CASEWORKER], indirect=True)
def test_virtual_school_staff_may_open_every_edit_page(client_for, persona):
    enrolment = EnrolmentFactory()
    client = client_for(persona)

    for url in every_edit_url(enrolment.child, enrolment, enrolment.school):
        assert client.get(url).status_code == 200, url


def test_a_child_that_does_not_exist_is_not_found(client_for, caseworker):
    client = client_for(caseworker)
    missing = 987_654

    for name in CHILD_PAGES:
        assert client.get(reverse(f"pupils:{name}", args=[missing])).status_code == 404, name
    end_url = reverse("pupils:enrolment_end", args=[missing, 1])
    assert client.get(end_url).status_code == 404
    school_url = reverse("pupils:school_edit", args=[missing])
    assert client.get(school_url).status_code == 404


def test_another_childs_school_place_is_not_found(client_for, caseworker):
    child = ChildFactory()
    someone_elses = EnrolmentFactory()

    url = reverse("pupils:enrolment_end", args=[child.pk, someone_elses.pk])
    assert client_for(caseworker).get(url).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("pupils:child_add"))
    assert response.status_code == 302
    assert "next=" in response["Location"]
