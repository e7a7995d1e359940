"""Shared fixtures: role personas, signed-in clients and a real Celery worker."""

import os

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client

from tests.factories import PASSWORD, UserFactory
from vschool.accounts.models import Role
from vschool.celery import app as celery_app


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password() -> str:
    return PASSWORD


def _persona(role: Role, email: str, name: str):
    @pytest.fixture
    def persona(db):
        return UserFactory(role=role, email=email, full_name=name)

    return persona


head = _persona(Role.HEAD, "head@example.org", "Helen Hart")
caseworker = _persona(Role.CASEWORKER, "caseworker@example.org", "Carl Case")
designated_teacher = _persona(Role.DESIGNATED_TEACHER, "teacher@example.org", "Tara Teach")
social_worker = _persona(Role.SOCIAL_WORKER, "social@example.org", "Sam Social")
governor = _persona(Role.GOVERNOR, "governor@example.org", "Grace Governor")
administrator = _persona(Role.ADMIN, "admin@example.org", "Adam Admin")


@pytest.fixture
def persona(request):
    """Parametrise a test with a role value: `@pytest.mark.parametrize("persona", [...],
    indirect=True)` gives a user with that role."""
    names = {
        Role.HEAD: "head",
        Role.CASEWORKER: "caseworker",
        Role.DESIGNATED_TEACHER: "designated_teacher",
        Role.SOCIAL_WORKER: "social_worker",
        Role.GOVERNOR: "governor",
        Role.ADMIN: "administrator",
    }
    return request.getfixturevalue(names[Role(request.param)])


@pytest.fixture
def client_for(db):
    """client_for(user): a test client already signed in as that user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def celery_worker(transactional_db, worker_id):
    """A real Celery worker (a thread in this process) on the local Redis, for one test.

    Each test process has its own queue, so parallel test processes never run each other's
    tasks against the wrong test database; the queue is emptied first, so tasks other tests
    enqueued are not run; and the worker is stopped (after its current task) before the test
    database is flushed.
    """
    queue = f"vschool-test-{worker_id}-{os.getpid()}"
    celery_app.conf.task_default_queue = queue
    with celery_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING"
    ) as worker:
        yield worker
