import time

import pytest
from django.db import transaction
from django.urls import reverse

from vschool import health, tasks
from vschool.celery import app


def test_celery_is_configured_for_safe_imports():
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_only_once_the_transaction_commits(celery_worker, client):
    health.redis_client().delete(health.HEARTBEAT_KEY)

    with transaction.atomic():
        tasks.heartbeat.delay_on_commit()
        time.sleep(1)  # long enough for the worker to have run it, had it been sent
        assert health.worker_last_seen() is None

    deadline = time.time() + 20
    while health.worker_last_seen() is None and time.time() < deadline:
        time.sleep(0.1)
    assert health.worker_last_seen() is not None
    assert client.get(reverse("healthz")).json()["worker_last_seen_seconds_ago"] < 60
