"""Files dropped in the inbox are picked up by the scheduled task on a real Celery worker."""

import os
import shutil
import time
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from outcomes import tasks
from outcomes.models import AttendanceDay, AttendanceImport, FeedKind, ImportStatus
from outcomes.services.feeds import feed_kind_of, inbox_collect
from tests.factories import ChildFactory, SchoolFactory

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "samples"
ATTENDANCE = SAMPLES / "welfare_call_attendance.csv"
EXCLUSIONS = SAMPLES / "welfare_call_exclusions.csv"
AFTER_SAMPLE = "2025-11-05 10:00 +00:00"


def sample_children():
    for la_id, urn in (("100234", "111742"), ("100871", "111766"), ("101002", "111750")):
        ChildFactory(la_child_id=la_id, upn="")
        SchoolFactory(urn=urn)


def drop(inbox: Path, source: Path, name: str | None = None) -> Path:
    inbox.mkdir(parents=True, exist_ok=True)
    target = inbox / (name or source.name)
    shutil.copy(source, target)
    old = time.time() - 600  # finished arriving ten minutes ago
    os.utime(target, (old, old))
    return target


def test_the_kind_of_file_is_told_from_its_columns():
    assert feed_kind_of(ATTENDANCE.read_bytes()) == FeedKind.ATTENDANCE
    assert feed_kind_of(EXCLUSIONS.read_bytes()) == FeedKind.EXCLUSIONS


@pytest.mark.django_db(transaction=True)
def test_a_worker_imports_a_file_dropped_in_the_inbox(celery_worker, settings, tmp_path):
    settings.IMPORT_INBOX_DIR = tmp_path / "inbox"
    sample_children()

    with time_machine.travel(AFTER_SAMPLE, tick=True):
        drop(settings.IMPORT_INBOX_DIR, ATTENDANCE)
        tasks.inbox_collect.delay().get(timeout=30)
        deadline = time.time() + 30
        while (
            time.time() < deadline
            and not AttendanceImport.objects.filter(status=ImportStatus.IMPORTED).exists()
        ):
            time.sleep(0.2)

    feed = AttendanceImport.objects.get()
    assert (feed.status, feed.source, feed.received_by) == (ImportStatus.IMPORTED, "inbox", None)
    assert feed.counts["marks_created"] == 11  # six days, one PM not yet collected
    assert AttendanceDay.objects.get(child__la_child_id="100871", date="2025-11-04").am == "E"
    assert not (settings.IMPORT_INBOX_DIR / ATTENDANCE.name).exists()
    assert (settings.IMPORT_INBOX_DIR / "received" / ATTENDANCE.name).exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_file_arriving_again_under_another_name_is_set_aside(settings, tmp_path):
    settings.IMPORT_INBOX_DIR = tmp_path
    sample_children()
    with time_machine.travel(AFTER_SAMPLE, tick=True):
        drop(tmp_path, ATTENDANCE)
        assert len(inbox_collect(inbox=tmp_path)) == 1
        drop(tmp_path, ATTENDANCE, name="resent.csv")
        assert inbox_collect(inbox=tmp_path) == []

    assert AttendanceImport.objects.count() == 1
    assert (tmp_path / "duplicates" / "resent.csv").exists()


@pytest.mark.django_db(transaction=True)
def test_a_file_still_arriving_is_left_for_the_next_collection(tmp_path):
    (tmp_path / "arriving.csv").write_bytes(ATTENDANCE.read_bytes())  # modified just now

    assert inbox_collect(inbox=tmp_path) == []
    assert (tmp_path / "arriving.csv").exists()


@pytest.mark.django_db
def test_the_command_imports_a_file_and_reports_held_rows(capsys):
    sample_children()

    with time_machine.travel(AFTER_SAMPLE):
        call_command("import_welfare_call", str(ATTENDANCE))

    out = capsys.readouterr().out
    assert "marks created 11" in out
    assert "rows held 0" in out
    assert AttendanceDay.objects.count() == 6
