import pytest
from django.urls import reverse

from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db

HOME_HEADINGS = {
    Role.HEAD: "Your Virtual School",
    Role.CASEWORKER: "Your caseload",
    Role.DESIGNATED_TEACHER: "Personal Education Plans to complete",
    Role.SOCIAL_WORKER: "Your children",
    Role.GOVERNOR: "Reports",
    Role.ADMIN: "Administration",
}
VIRTUAL_SCHOOL_NAVIGATION = [
    "Home",
    "Children",
    "Schools",
    "PEPs",
    "Pupil Premium Plus",
    "Attendance",
    "Alerts",
    "Imports",
    "API",
]
NAVIGATION = {
    Role.HEAD: VIRTUAL_SCHOOL_NAVIGATION,
    Role.CASEWORKER: VIRTUAL_SCHOOL_NAVIGATION,
    Role.DESIGNATED_TEACHER: ["Home", "Children", "Schools", "PEPs"],
    Role.SOCIAL_WORKER: ["Home", "Children", "PEPs", "Alerts"],
    Role.GOVERNOR: ["Home"],
    Role.ADMIN: ["Home", "Schools", "Imports", "API", "Admin"],
}


@pytest.mark.parametrize("persona", list(Role), indirect=True)
def test_each_role_lands_on_its_own_home_page(client_for, persona):
    response = client_for(persona).get(reverse("home"))

    assert response.status_code == 200
    assert HOME_HEADINGS[Role(persona.role)] in response.content.decode()


@pytest.mark.parametrize("persona", list(Role), indirect=True)
def test_navigation_shows_only_what_the_role_may_use(client_for, persona):
    response = client_for(persona).get(reverse("home"))

    assert [item["text"] for item in response.context["navigation"]] == NAVIGATION[persona.role]
    for item in response.context["navigation"]:
        client = client_for(persona)
        assert client.get(item["href"]).status_code == 200, item


@pytest.mark.parametrize(
    "persona",
    [Role.GOVERNOR, Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER, Role.CASEWORKER, Role.HEAD],
    indirect=True,
)
def test_only_administrators_can_open_admin_pages(client_for, persona):
    client = client_for(persona)

    for url in [reverse("admin:index"), reverse("admin:accounts_user_changelist")]:
        response = client.get(url, follow=True)
        assert response.status_code == 403, url
        assert "You cannot use this page" in response.content.decode()


def test_administrator_manages_users_in_the_admin(client_for, administrator):
    response = client_for(administrator).get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 200
    assert "admin@example.org" in response.content.decode()


def test_admin_site_sends_a_signed_out_visitor_to_the_service_sign_in(client):
    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("sign_in"))


@pytest.mark.parametrize("persona", [Role.GOVERNOR, Role.DESIGNATED_TEACHER], indirect=True)
def test_api_documentation_is_for_virtual_school_staff_and_admins(client_for, persona):
    assert client_for(persona).get(reverse("api_docs")).status_code == 403


def test_api_tells_a_user_who_they_are(client_for, designated_teacher):
    response = client_for(designated_teacher).get(reverse("api_me"))

    assert response.json() == {
        "email": "teacher@example.org",
        "full_name": "Tara Teach",
        "role": "designated_teacher",
        "role_name": "Designated teacher",
    }


def test_api_refuses_a_signed_out_caller(client):
    assert client.get(reverse("api_me")).status_code == 403
