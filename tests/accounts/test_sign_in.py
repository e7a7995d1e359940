import pytest
from django.urls import reverse

from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db


def sign_in(client, email: str, password: str):
    return client.post(reverse("sign_in"), {"username": email, "password": password}, follow=True)


def test_caseworker_signs_in_with_email_and_lands_on_their_home_page(client, caseworker, password):
    response = sign_in(client, "caseworker@example.org", password)

    assert response.redirect_chain[-1][0] == reverse("home")
    page = response.content.decode()
    assert "Your caseload" in page
    assert "Signed in as <strong>Carl Case</strong> (Virtual School caseworker)" in page


def test_email_address_is_matched_whatever_its_case(client, caseworker, password):
    response = sign_in(client, "CaseWorker@Example.ORG", password)

    assert response.wsgi_request.user == caseworker


def test_wrong_password_is_reported_in_an_error_summary(client, caseworker):
    response = sign_in(client, "caseworker@example.org", "not-the-password")

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert "<title>Error: Sign in" in page
    assert not response.wsgi_request.user.is_authenticated


def test_switched_off_account_cannot_sign_in(client, caseworker, password):
    caseworker.is_active = False
    caseworker.save()

    response = sign_in(client, "caseworker@example.org", password)

    assert not response.wsgi_request.user.is_authenticated


def test_account_is_locked_after_five_failed_attempts_even_with_the_right_password(
    client, caseworker, password
):
    for attempt in range(5):
        # Changing the case of the address does not get round the count.
        sign_in(
            client, "CASEWORKER@example.org" if attempt % 2 else "caseworker@example.org", "guess"
        )

    response = sign_in(client, "caseworker@example.org", password)

    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_a_locked_account_does_not_lock_out_colleagues_in_the_same_office(
    client, caseworker, head, password
):
    for _ in range(6):
        sign_in(client, "caseworker@example.org", "guess")

    response = sign_in(client, "head@example.org", password)

    assert response.wsgi_request.user == head


def test_lockout_threshold_is_configurable(client, caseworker, password, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        sign_in(client, "caseworker@example.org", "guess")

    assert sign_in(client, "caseworker@example.org", password).status_code == 429


def test_sign_out_ends_the_session(client, caseworker, password):
    sign_in(client, "caseworker@example.org", password)

    client.post(reverse("sign_out"))

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("sign_in"))


def test_signed_out_visitor_is_sent_to_sign_in_and_back_afterwards(client, caseworker, password):
    response = client.get(reverse("password_change"))
    assert response.url == f"{reverse('sign_in')}?next={reverse('password_change')}"

    response = client.post(
        response.url, {"username": "caseworker@example.org", "password": password}
    )
    assert response.url == reverse("password_change")


@pytest.mark.parametrize("role", [Role.GOVERNOR, Role.DESIGNATED_TEACHER])
def test_sign_in_never_redirects_to_another_site(client, role, password, django_user_model):
    django_user_model.objects.create_user("x@example.org", password, full_name="X", role=role)

    response = client.post(
        f"{reverse('sign_in')}?next=https://evil.example.com/",
        {"username": "x@example.org", "password": password},
    )

    assert response.url == reverse("home")
