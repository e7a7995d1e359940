from celery import shared_task
from django.conf import settings
from django.utils import timezone

from outcomes.services import alerts, feeds


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def feed_import(feed_id: int) -> int:
    """Import one queued Welfare Call file; returns how many children's records changed.
    The alerts for those children are evaluated next, in a task of their own."""
    changed = feeds.feed_import_run(feed_id=feed_id)
    if changed:
        alerts_evaluate_task.delay_on_commit([int(child) for child in changed])
    return len(changed)


@shared_task
def inbox_collect() -> int:
    """Scheduled (07:00 on weekdays by default): queue every file waiting in the inbox."""
    return len(feeds.inbox_collect(inbox=settings.IMPORT_INBOX_DIR))


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def alerts_evaluate_task(child_ids: list[int] | None = None) -> int:
    """Raise the new alerts for these children (None: every child; 07:30 on weekdays, after
    the morning's files); returns how many were raised."""
    return len(alerts.alerts_evaluate(child_ids=child_ids, today=timezone.localdate()))


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def alert_digest_task() -> int:
    """Email each caseworker and social worker their new alerts (08:00 on weekdays)."""
    return alerts.alert_digest_send(today=timezone.localdate())
