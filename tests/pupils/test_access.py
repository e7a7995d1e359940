"""Who sees what: every role against every page that shows children or schools, and the CSV
export. A child the user may not see is "not found" (404) whatever the page; a page the role
may not use at all is "forbidden" (403)."""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from pupils.models import AllocationRole
from tests.factories import (
    AllocationFactory,
    ChildFactory,
    DesignatedTeacherFactory,
    EnrolmentFactory,
    SchoolFactory,
    UserFactory,
)
from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 11, 10)
CHILD_PAGES = ["pupils:child_detail", "pupils:child_care", "pupils:child_education"]
HISTORY = "pupils:child_history"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(designated_teacher, social_worker):
    """Two schools; a designated teacher at A; a child on roll at A, one at B, one who left A;
    the social worker allocated to the child at A, and formerly to the child who left."""
    school_a = SchoolFactory(name="Alder Academy")
    school_b = SchoolFactory(name="Birch School")
    DesignatedTeacherFactory(user=designated_teacher, school=school_a)
    at_a = ChildFactory(legal_first_name="Ava", legal_last_name="Ash")
    at_b = ChildFactory(legal_first_name="Ben", legal_last_name="Beech")
    left_a = ChildFactory(legal_first_name="Cal", legal_last_name="Cedar")
    EnrolmentFactory(child=at_a, school=school_a)
    EnrolmentFactory(child=at_b, school=school_b)
    EnrolmentFactory(
        child=left_a,
        school=school_a,
        start_date=datetime.date(2021, 9, 1),
        end_date=datetime.date(2025, 7, 22),
    )
    social = AllocationRole.SOCIAL_WORKER
    AllocationFactory(child=at_a, user=social_worker, role=social)
    AllocationFactory(
        child=left_a, user=social_worker, role=social, end_date=datetime.date(2025, 3, 31)
    )
    return SimpleNamespace(
        school_a=school_a, school_b=school_b, at_a=at_a, at_b=at_b, left_a=left_a
    )


def _status(client, name: str, pk: int) -> int:
    return client.get(reverse(name, kwargs={"pk": pk})).status_code


def _caseload_names(client, **params) -> set[str]:
    response = client.get(reverse("pupils:caseload"), params)
    assert response.status_code == 200
    return {row.display_name for row in response.context["page_obj"]}


def _export_ids(client, **params) -> set[str]:
    response = client.get(reverse("pupils:caseload_export"), params)
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    return {row["LA child ID"] for row in rows}


# --- Virtual School staff: every child -------------------------------------------------------


@pytest.mark.parametrize("persona", [Role.HEAD, Role.CASEWORKER], indirect=True)
def test_virtual_school_staff_see_every_child_and_every_tab(client_for, persona, world):
    client = client_for(persona)
    children = [world.at_a, world.at_b, world.left_a]

    assert _caseload_names(client, caseworker="") == {"Ava Ash", "Ben Beech", "Cal Cedar"}
    assert _export_ids(client, caseworker="") == {child.la_child_id for child in children}
    for child in children:
        for name in [*CHILD_PAGES, HISTORY]:
            assert _status(client, name, child.pk) == 200, (name, child)


@pytest.mark.parametrize("persona", [Role.HEAD, Role.CASEWORKER], indirect=True)
def test_virtual_school_staff_see_every_school_and_its_children(client_for, persona, world):
    client = client_for(persona)

    assert client.get(reverse("pupils:school_list")).status_code == 200
    response = client.get(reverse("pupils:school_detail", kwargs={"pk": world.school_a.pk}))
    assert response.status_code == 200
    assert [e.child for e in response.context["page_obj"]] == [world.at_a]


def test_a_child_that_does_not_exist_is_not_found(client_for, head, world):
    missing = world.left_a.pk + 1000

    for name in [*CHILD_PAGES, HISTORY]:
        assert _status(client_for(head), name, missing) == 404


# --- Designated teachers: children on their school's roll, while they are ---------------------


def test_designated_teacher_sees_only_children_on_their_schools_roll(
    client_for, designated_teacher, world
):
    client = client_for(designated_teacher)

    assert _caseload_names(client) == {"Ava Ash"}
    assert _export_ids(client) == {world.at_a.la_child_id}
    for name in CHILD_PAGES:
        assert _status(client, name, world.at_a.pk) == 200, name


def test_designated_teacher_cannot_open_another_schools_child(
    client_for, designated_teacher, world
):
    client = client_for(designated_teacher)

    for name in [*CHILD_PAGES, HISTORY]:
        assert _status(client, name, world.at_b.pk) in (404, 403), name
    for name in CHILD_PAGES:
        assert _status(client, name, world.at_b.pk) == 404, name


def test_designated_teacher_loses_a_child_who_left_their_school(
    client_for, designated_teacher, world
):
    client = client_for(designated_teacher)

    for name in CHILD_PAGES:
        assert _status(client, name, world.left_a.pk) == 404, name


def test_designated_teacher_whose_post_ended_sees_nothing(client_for, world):
    former = UserFactory(role=Role.DESIGNATED_TEACHER)
    DesignatedTeacherFactory(
        user=former, school=world.school_a, end_date=datetime.date(2025, 8, 31)
    )
    client = client_for(former)

    assert _caseload_names(client) == set()
    assert _export_ids(client) == set()
    for name in CHILD_PAGES:
        assert _status(client, name, world.at_a.pk) == 404, name
    assert _status(client, "pupils:school_detail", world.school_a.pk) == 404


def test_designated_teacher_sees_only_their_own_school(client_for, designated_teacher, world):
    client = client_for(designated_teacher)

    response = client.get(reverse("pupils:school_list"))
    assert [school.name for school in response.context["page_obj"]] == ["Alder Academy"]
    assert _status(client, "pupils:school_detail", world.school_a.pk) == 200
    assert _status(client, "pupils:school_detail", world.school_b.pk) == 404


def test_designated_teacher_school_page_lists_only_current_pupils(
    client_for, designated_teacher, world
):
    response = client_for(designated_teacher).get(
        reverse("pupils:school_detail", kwargs={"pk": world.school_a.pk})
    )

    assert [enrolment.child for enrolment in response.context["page_obj"]] == [world.at_a]
    assert "Cal Cedar" not in response.content.decode()


# --- Social workers: the children allocated to them ------------------------------------------


def test_social_worker_sees_only_children_allocated_to_them(client_for, social_worker, world):
    client = client_for(social_worker)

    assert _caseload_names(client) == {"Ava Ash"}
    assert _export_ids(client) == {world.at_a.la_child_id}
    for name in CHILD_PAGES:
        assert _status(client, name, world.at_a.pk) == 200, name
        assert _status(client, name, world.at_b.pk) == 404, name
        assert _status(client, name, world.left_a.pk) == 404, name  # allocation ended


def test_social_worker_has_no_schools_pages(client_for, social_worker, world):
    client = client_for(social_worker)

    assert client.get(reverse("pupils:school_list")).status_code == 403
    assert _status(client, "pupils:school_detail", world.school_a.pk) == 403


# --- History: the Virtual School's own staff only --------------------------------------------


@pytest.mark.parametrize(
    "persona", [Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER, Role.GOVERNOR], indirect=True
)
def test_history_tab_is_for_virtual_school_staff_only(client_for, persona, world):
    client = client_for(persona)

    assert _status(client, HISTORY, world.at_a.pk) == 403
    if persona.role != Role.GOVERNOR:
        summary = client.get(reverse("pupils:child_detail", kwargs={"pk": world.at_a.pk}))
        assert "History" not in [tab["text"] for tab in summary.context["tabs"]]


# --- Governors and administrators: no child-level pages --------------------------------------


def test_governor_has_no_child_level_page(client_for, governor, world):
    client = client_for(governor)

    assert client.get(reverse("pupils:caseload")).status_code == 403
    assert client.get(reverse("pupils:caseload_export")).status_code == 403
    for name in [*CHILD_PAGES, HISTORY]:
        assert _status(client, name, world.at_a.pk) == 403, name
    assert client.get(reverse("pupils:school_list")).status_code == 403
    assert _status(client, "pupils:school_detail", world.school_a.pk) == 403


def test_administrator_has_no_child_level_page(client_for, administrator, world):
    client = client_for(administrator)

    assert client.get(reverse("pupils:caseload")).status_code == 403
    assert client.get(reverse("pupils:caseload_export")).status_code == 403
    for name in [*CHILD_PAGES, HISTORY]:
        assert _status(client, name, world.at_a.pk) in (403, 404), name


def test_administrator_sees_schools_but_not_their_children(client_for, administrator, world):
    client = client_for(administrator)

    assert client.get(reverse("pupils:school_list")).status_code == 200
    response = client.get(reverse("pupils:school_detail", kwargs={"pk": world.school_a.pk}))
    assert response.status_code == 200
    assert "Ava Ash" not in response.content.decode()


def test_signed_out_visitor_is_sent_to_sign_in(client, world):
    for url in [
        reverse("pupils:caseload"),
        reverse("pupils:caseload_export"),
        reverse("pupils:child_detail", kwargs={"pk": world.at_a.pk}),
        reverse(HISTORY, kwargs={"pk": world.at_a.pk}),
        reverse("pupils:school_list"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("sign_in")), url
