import time

from celery import shared_task

from vschool.health import HEARTBEAT_KEY, redis_client


@shared_task
def heartbeat() -> float:
    """Scheduled every minute by beat; /healthz shows when a worker last ran it."""
    now = time.time()
    redis_client().set(HEARTBEAT_KEY, now, ex=3600)
    return now
