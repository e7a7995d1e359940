"""Email each caseworker and social worker the new alerts about their children (what the
08:00 weekday schedule does). Safe to re-run: an alert is emailed once."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from outcomes.services.alerts import alert_digest_send


class Command(BaseCommand):
    help = "Send the daily email digest of new alerts to caseworkers and social workers."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            help="the service's address for links in the emails, e.g. https://vs.example.gov.uk"
            " (default: the SITE_URL setting)",
        )

    def handle(self, *args, base_url: str | None, **options):
        sent = alert_digest_send(today=timezone.localdate(), base_url=base_url)
        self.stdout.write(f"Sent {sent} email(s).")
