"""Evaluate the alert rules for every child the Virtual School follows, now (what the 07:30
weekday schedule does). Safe to re-run: an alert already raised is never raised again."""

from collections import Counter

from django.core.management.base import BaseCommand
from django.utils import timezone

from outcomes.services.alerts import alerts_evaluate


class Command(BaseCommand):
    help = "Raise any new alerts for every child in care or in a Virtual School cohort."

    def handle(self, *args, **options):
        raised = alerts_evaluate(child_ids=None, today=timezone.localdate())
        by_kind = Counter(alert.get_kind_display() for alert in raised)
        self.stdout.write(f"Raised {len(raised)} new alert(s).")
        for kind, count in sorted(by_kind.items()):
            self.stdout.write(f"  {kind}: {count}")
