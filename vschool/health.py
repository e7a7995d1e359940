"""Reachability of the services the application cannot work without."""

import redis
from django.conf import settings
from django.db import connection

HEARTBEAT_KEY = "vschool:worker-heartbeat"


def database_status() -> str | None:
    """None when healthy, otherwise a plain description of the failure."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any failure means "not reachable" to an operator
        return f"PostgreSQL is not reachable: {type(error).__name__}"
    return None


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)


def redis_status() -> str | None:
    try:
        redis_client().ping()
    except redis.RedisError as error:
        return f"Redis is not reachable: {type(error).__name__}"
    return None


def worker_last_seen() -> float | None:
    """When a Celery worker last ran the heartbeat task (Unix time), if Redis knows."""
    try:
        value = redis_client().get(HEARTBEAT_KEY)
    except redis.RedisError:
        return None
    return float(value) if value else None
