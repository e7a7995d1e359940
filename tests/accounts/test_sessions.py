from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def is_signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


@pytest.fixture
def signed_in(client, caseworker, password):
    client.post(reverse("sign_in"), {"username": caseworker.email, "password": password})
    return client


def test_session_expires_after_thirty_minutes_without_activity(signed_in):
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert not is_signed_in(signed_in)


def test_activity_keeps_the_session_alive(signed_in):
    start = timezone.now()
    for minutes in (20, 40, 60):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert is_signed_in(signed_in)


def test_inactivity_limit_is_configurable(signed_in, settings):
    settings.SESSION_COOKIE_AGE = 5 * 60
    start = timezone.now()
    signed_in.get(reverse("home"))  # saves the session with the shorter age

    with time_machine.travel(start + timedelta(minutes=6)):
        assert not is_signed_in(signed_in)


def test_absolute_limit_signs_out_after_twelve_hours_however_active(signed_in):
    start = timezone.now()
    signed_in.get(reverse("home"))  # the middleware notes when the session began
    minutes = 25
    while minutes < 12 * 60:
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert is_signed_in(signed_in)
        minutes += 25

    with time_machine.travel(start + timedelta(hours=12, minutes=5)):
        response = signed_in.get(reverse("home"), follow=True)

    assert not response.wsgi_request.user.is_authenticated
    assert "signed in more than 12 hours ago" in response.content.decode()
