from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from peps.services.scheduling import pep_schedule_run


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def pep_schedule() -> dict[str, int]:
    """Scheduled daily (06:30): create the PEPs due and notify people of overdue ones."""
    return pep_schedule_run(today=timezone.localdate()).as_dict()
