"""Generate the demo Virtual School's attendance (made-up marks and suspensions, after
`seed_demo`), then evaluate the alerts once so that the demo's home pages have some. Does
nothing when there are marks already, so `make run` can run it every time."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from outcomes.demo import demo_attendance_generate
from outcomes.models import AttendanceDay, ExclusionType, Suspension
from outcomes.services.alerts import alerts_evaluate


class Command(BaseCommand):
    help = (
        "Generate reproducible demo attendance marks and suspensions for the children on a "
        "school roll, from the start of the previous term to yesterday. Does nothing when "
        "there are attendance marks already."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same marks")

    def handle(self, *args, seed: int, **options):
        if AttendanceDay.objects.exists():
            self.stdout.write("There are attendance marks already: no demo attendance added.")
            return
        today = timezone.localdate()
        started = time.monotonic()
        before = set(Suspension.objects.values_list("pk", flat=True))
        marks = demo_attendance_generate(seed=seed, today=today)
        children = AttendanceDay.objects.values("child_id").distinct().count()
        added = Suspension.objects.exclude(pk__in=before)
        suspensions = added.filter(kind=ExclusionType.SUSPENSION).count()
        exclusions = added.filter(kind=ExclusionType.PERMANENT).count()
        self.stdout.write(
            f"Demo attendance: {marks} marks for {children} children, {suspensions} "
            f"suspensions, {exclusions} permanent exclusion(s), "
            f"in {time.monotonic() - started:.1f} s."
        )
        if marks:
            raised = alerts_evaluate(child_ids=None, today=today)
            self.stdout.write(f"  {len(raised)} alert(s) raised for the demo's home pages.")
