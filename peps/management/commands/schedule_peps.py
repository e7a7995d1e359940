"""Create the PEPs due today and notify people of overdue ones, now (what the 06:30 daily
schedule does). Safe to re-run: a second run creates nothing and notifies no one twice."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from peps.services.scheduling import pep_schedule_run


class Command(BaseCommand):
    help = "Create this term's PEPs and initial PEPs due, and notify people of overdue PEPs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Run as if today were this date (YYYY-MM-DD), for example to catch up a day "
            "the schedule missed.",
        )

    def handle(self, *args, **options):
        today = self._today(options["date"])
        result = pep_schedule_run(today=today)
        self.stdout.write(
            f"PEPs scheduled for {today.isoformat()}: {result.termly_created} termly, "
            f"{result.initial_created} initial; {result.previous_updated} linked to a newly "
            f"approved previous PEP; {result.overdue_notifications} overdue notification(s)."
        )

    @staticmethod
    def _today(value: str | None) -> date:
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError("--date must be a date such as 2025-11-05") from None
