"""A child the feed knows by another identifier is linked once, then matched every day."""

from datetime import date

import pytest
import time_machine

from outcomes.models import AttendanceDay, FeedKind, HeldFeedRow
from outcomes.services.feeds import feed_import_run, feed_receive, held_rows_link
from tests.factories import ChildFactory, SchoolFactory

pytestmark = pytest.mark.django_db

HEADER = "LA Child ID,UPN,Forename,Surname,DOB,School URN,Date,AM,PM,Absence Reason,Comments\n"


def import_day(day: str, name: str) -> None:
    content = (HEADER + f"WC-77,,Sam,Lee,01/01/2012,123456,{day},/,\\,,\n").encode()
    feed = feed_receive(kind=FeedKind.ATTENDANCE, name=name, content=content, source="upload")
    feed_import_run(feed_id=feed.pk)


def test_linking_an_unmatched_child_remembers_the_feeds_identifier(caseworker):
    SchoolFactory(urn="123456")
    child = ChildFactory(la_child_id="C000077", upn="")

    with time_machine.travel("2025-11-05 09:00 +00:00"):
        import_day("03/11/2025", "monday.csv")
        held = HeldFeedRow.objects.get(unmatched=True)
        assert held_rows_link(held=held, child=child, acting_user=caseworker) == 1

        import_day("04/11/2025", "tuesday.csv")

    assert list(AttendanceDay.objects.filter(child=child).values_list("date", flat=True)) == [
        date(2025, 11, 3),
        date(2025, 11, 4),
    ]
    assert not HeldFeedRow.objects.filter(status="held").exists()
