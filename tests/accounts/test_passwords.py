import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_password_reset_email_carries_a_link_that_sets_a_new_password(
    client, caseworker, mailoutbox
):
    response = client.post(
        reverse("password_reset"), {"email": "CASEWORKER@example.org"}, follow=True
    )

    assert "Check your email" in response.content.decode()
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["caseworker@example.org"]
    assert email.subject == "Reset your Exampleshire Virtual School password"
    link = re.search(r"https?://testserver(/password-reset/\S+/)", email.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-secret", "new_password2": "a-brand-new-secret"},
        follow=True,
    )
    assert "Your password has been changed" in done.content.decode()
    caseworker.refresh_from_db()
    assert caseworker.check_password("a-brand-new-secret")

    reused = client.get(link, follow=True)
    assert "This link has expired" in reused.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(
    client, mailoutbox
):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert "Check your email" in response.content.decode()
    assert mailoutbox == []


def test_user_changes_their_password(client_for, caseworker, password):
    client = client_for(caseworker)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "another-long-secret",
            "new_password2": "another-long-secret",
        },
        follow=True,
    )

    assert "Your password has been changed" in response.content.decode()
    caseworker.refresh_from_db()
    assert caseworker.check_password("another-long-secret")
    assert client.get(reverse("home")).status_code == 200  # still signed in


def test_weak_new_password_is_refused_with_a_reason(client_for, caseworker, password):
    response = client_for(caseworker).post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "password", "new_password2": "password"},
    )

    page = response.content.decode()
    assert "There is a problem" in page
    assert "This password is too short" in page
    caseworker.refresh_from_db()
    assert caseworker.check_password(password)
