"""The Welfare Call import pages over HTTP: upload, check, import or discard; the history;
the held rows; the children not on record, linked or dismissed; who may use them; and saving
a supplier's layout in the admin.

The import itself runs in a Celery task queued when the transaction commits; here the test
runs it by calling feed_import_run, as the task does.
"""

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outcomes.feed_forms import FeedMappingForm
from outcomes.models import (
    AttendanceDay,
    AttendanceImport,
    FeedKind,
    FeedLayout,
    FeedMapping,
    HeldFeedRow,
    HeldStatus,
    ImportStatus,
)
from outcomes.services.feeds import feed_import_run, feed_receive
from tests.factories import ChildFactory, EnrolmentFactory, SchoolFactory
from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "samples"
ATTENDANCE_SAMPLE = (SAMPLE / "welfare_call_attendance.csv").read_bytes()
TODAY = "2025-11-10 12:00 +00:00"  # a Monday; London is on GMT
HEADER = "LA Child ID,UPN,Forename,Surname,DOB,School URN,Date,AM,PM,Absence Reason,Comments\n"
# Two rows for a child not on record (Nia), one for another (Owen), one for Amira.
UNMATCHED = (
    HEADER
    + "555001,,Nia,Ode,02/02/2013,111742,03/11/2025,/,\\,,\n"
    + "555001,,Nia,Ode,02/02/2013,111742,04/11/2025,N,N,,\n"
    + "555002,,Owen,Pike,05/05/2012,111742,04/11/2025,I,I,,\n"
    + "100234,,Amira,Khan,14/03/2014,111742,04/11/2025,/,\\,,\n"
).encode()


@pytest.fixture(autouse=True)
def _today_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_INBOX_DIR = tmp_path / "inbox"
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def sample_world():
    children = {}
    for la_id, urn, first, last in (
        ("100234", "111742", "Amira", "Khan"),
        ("100871", "111766", "Jayden", "Morris"),
        ("101002", "111750", "Lily", "Parker"),
    ):
        child = ChildFactory(la_child_id=la_id, legal_first_name=first, legal_last_name=last)
        EnrolmentFactory(child=child, school=SchoolFactory(urn=urn))
        children[la_id] = child
    return children


def upload(client, content: bytes = ATTENDANCE_SAMPLE, *, name="wc_20251104.csv", **fields):
    data = {"kind": FeedKind.ATTENDANCE, "mapping": "", **fields}
    data["file"] = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(reverse("outcomes:feed_upload"), data)


def detail_url(feed: AttendanceImport) -> str:
    return reverse("outcomes:feed_detail", args=[feed.pk])


def imported(content: bytes, name: str = "inbox.csv") -> AttendanceImport:
    feed = feed_receive(kind=FeedKind.ATTENDANCE, name=name, content=content, source="inbox")
    feed_import_run(feed_id=feed.pk)
    feed.refresh_from_db()
    return feed


# --- Upload, check, import ------------------------------------------------------------------


def test_the_upload_page_asks_what_is_in_the_file_and_offers_the_default_layout_first(
    caseworker, client_for
):
    FeedMapping.objects.create(name="Aardvark Call sessions", kind=FeedKind.ATTENDANCE)

    page = client_for(caseworker).get(reverse("outcomes:feed_upload")).content.decode()

    assert "What is in the file?" in page
    assert "Daily attendance" in page and "Suspensions and exclusions" in page
    assert page.index("Default Welfare Call layout") < page.index("Aardvark Call sessions")


def test_a_caseworker_checks_the_sample_then_imports_it(
    sample_world, caseworker, client_for, django_capture_on_commit_callbacks
):
    client = client_for(caseworker)

    response = upload(client)
    feed = AttendanceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(feed)
    assert (feed.status, feed.source, feed.received_by) == ("checked", "upload", caseworker)

    check = client.get(detail_url(feed)).content.decode()
    assert "Check the file" in check
    assert "Nothing has been changed yet" in check
    assert _summary(check)["Marks that would be created"] == "11"
    assert "Every row can be applied." in check
    assert "Import the good rows" in check and "Discard this file" in check
    assert not AttendanceDay.objects.exists()

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(detail_url(feed), {"action": "import"})
    assert len(queued) == 1  # the Celery task, sent once the confirmation is committed
    waiting = client.get(response["Location"]).content.decode()
    assert "The file is being imported" in waiting
    assert "Waiting to be imported" in waiting
    assert "Refresh this page" in waiting
    assert "Import the good rows" not in waiting

    feed_import_run(feed_id=feed.pk)  # what the task does

    report = client.get(detail_url(feed)).content.decode()
    assert "Import report" in report
    assert _summary(report)["Marks created"] == "11"
    assert "Refresh this page" not in report
    assert AttendanceDay.objects.count() == 6


def test_the_check_lists_held_rows_and_warnings_page_by_page(sample_world, caseworker, client_for):
    bad = "".join(
        f"100234,,Amira,Khan,14/03/2014,111742,{day:02d}/10/2025,Q{n},/,,\n"
        for n, day in enumerate([1, 2, 3, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17] * 5)
    )
    # Jayden at Amira's school: applied, with a warning.
    good = "100871,,Jayden,Morris,02/09/2010,111742,03/11/2025,/,\\,,\n"
    client = client_for(caseworker)
    upload(client, (HEADER + bad + good).encode())
    feed = AttendanceImport.objects.get()

    first = client.get(detail_url(feed)).content.decode()
    assert "Rows held, page 1 of 2" in first
    assert "AM code &#x27;Q0&#x27; is not a DfE attendance code." in first
    assert "AM Q0, PM /" in first
    assert _summary(first)["Rows held (not applied)"] == "65"
    assert _summary(first)["Rows to check (applied with a warning)"] == "1"
    assert "The child is not on this school&#x27;s roll on that date" in first
    second = client.get(detail_url(feed), {"page": 2}).content.decode()
    assert "Rows held, page 2 of 2" in second
    assert "AM code &#x27;Q64&#x27; is not a DfE attendance code." in second


def test_discarding_a_checked_file_changes_nothing_and_it_may_be_uploaded_again(
    sample_world, caseworker, client_for
):
    client = client_for(caseworker)
    upload(client)
    feed = AttendanceImport.objects.get()

    response = client.post(detail_url(feed), {"action": "discard"}, follow=True)

    page = response.content.decode()
    assert "The file was discarded: nothing was changed" in page
    assert "Import the good rows" not in page
    feed.refresh_from_db()
    assert feed.status == ImportStatus.DISCARDED
    assert not AttendanceDay.objects.exists()
    assert upload(client).status_code == 302
    assert AttendanceImport.objects.filter(status=ImportStatus.CHECKED).count() == 1


def test_a_file_already_received_is_refused_with_a_link_to_its_import(
    sample_world, caseworker, client_for
):
    earlier = imported(ATTENDANCE_SAMPLE, name="wc_20251104.csv")

    response = upload(client_for(caseworker), name="renamed.csv")

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "This file was already received on 10 November 2025 at 12:00 (imported)" in page
    assert f'href="{detail_url(earlier)}"' in page
    assert AttendanceImport.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty.csv is empty."),
        (
            b"LA Child ID,School URN,Date\n1,111742,03/11/2025\n",
            "is missing the columns AM and PM.",
        ),
        (
            b"PK\x03\x04binary",
            "empty.csv must be a CSV file (save it from the spreadsheet as CSV).",
        ),
    ],
    ids=["empty", "missing columns", "spreadsheet"],
)
def test_a_file_that_cannot_be_read_shows_why_on_its_page(
    sample_world, caseworker, client_for, content, reason
):
    client = client_for(caseworker)

    response = upload(client, content, name="empty.csv")

    feed = AttendanceImport.objects.get()
    assert response["Location"] == detail_url(feed)
    page = client.get(detail_url(feed)).content.decode()
    assert "govuk-error-summary" in page
    assert "The file could not be read" in page
    assert reason in page
    assert "Import the good rows" not in page


def test_a_layout_for_the_other_kind_of_file_is_refused(caseworker, client_for):
    mapping = FeedMapping.objects.create(name="Exclusions v2", kind=FeedKind.EXCLUSIONS)

    response = upload(client_for(caseworker), mapping=mapping.pk)

    assert response.status_code == 200
    assert "The layout ‘Exclusions v2’ is for suspensions and exclusions files" in (
        response.content.decode()
    )
    assert not AttendanceImport.objects.exists()


def test_the_upload_form_needs_a_kind_and_a_file(caseworker, client_for):
    response = client_for(caseworker).post(reverse("outcomes:feed_upload"), {"mapping": ""})

    page = response.content.decode()
    assert "Select what is in the file" in page
    assert "Select the file" in page


# --- The history and the export ---------------------------------------------------------------


def test_the_history_lists_each_file_with_who_sent_it_and_its_counts(
    sample_world, caseworker, client_for
):
    imported(ATTENDANCE_SAMPLE, name="wc_20251104.csv")
    client = client_for(caseworker)
    upload(client, UNMATCHED, name="wc_20251105.csv")

    page = client.get(reverse("outcomes:feed_list")).content.decode()

    assert "wc_20251104.csv" in page and "wc_20251105.csv" in page
    assert "Inbox" in page and "Carl Case" in page
    assert "Imported" in page and "Checked, waiting to be imported" in page
    assert "picked up and imported at 07:00 on weekdays" in page
    assert str(Path(client.get(reverse("outcomes:feed_list")).context["inbox"])) in page
    assert reverse("outcomes:unmatched_list") in page
    assert reverse("outcomes:feed_upload") in page


def test_the_held_rows_download_uses_the_files_own_headings(sample_world, caseworker, client_for):
    feed = imported(UNMATCHED)

    response = client_for(caseworker).get(reverse("outcomes:feed_held_rows_csv", args=[feed.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Row", "Reason", *HEADER.strip().split(",")]
    assert [row[:3] for row in rows[1:]] == [
        ["2", "No child on record has LA child ID '555001'.", "555001"],
        ["3", "No child on record has LA child ID '555001'.", "555001"],
        ["4", "No child on record has LA child ID '555002'.", "555002"],
    ]


# --- Children not on record -----------------------------------------------------------------------


def test_the_unmatched_list_groups_rows_by_the_child_they_name(
    sample_world, caseworker, client_for
):
    imported(UNMATCHED)

    page = client_for(caseworker).get(reverse("outcomes:unmatched_list")).content.decode()

    groups = list(page.split("<tbody")[1].split("</tr>"))[:2]
    assert "LA child ID 555001" in groups[0] and "Nia Ode" in groups[0]
    assert "3 November 2025 to 4 November 2025" in groups[0]
    assert ">2</td>" in groups[0]
    assert "LA child ID 555002" in groups[1] and "4 November 2025" in groups[1]
    assert ">1</td>" in groups[1]


def test_the_link_page_finds_children_by_name_upn_or_la_id(sample_world, caseworker, client_for):
    feed = imported(UNMATCHED)
    nia = ChildFactory(legal_first_name="Nia", legal_last_name="Ode-Brown", la_child_id="C777")
    held = feed.held_rows.get(row_number=2)
    url = reverse("outcomes:held_row_link", args=[held.pk])
    client = client_for(caseworker)

    by_surname_given = client.get(url).content.decode()  # searches the surname in the file
    by_la_id = client.get(url, {"q": "c777"}).content.decode()
    nobody = client.get(url, {"q": "Zebedee"}).content.decode()

    assert f'value="{nia.pk}"' in by_surname_given
    assert "Nia Ode-Brown, born 15 January 2012, LA child ID C777" in by_la_id
    assert "No child you can see matches ‘Zebedee’" in nobody


def test_linking_applies_every_row_for_that_child_and_says_how_many(
    sample_world, caseworker, client_for
):
    feed = imported(UNMATCHED)
    nia = ChildFactory(legal_first_name="Nia", legal_last_name="Ode", la_child_id="C777")
    held = feed.held_rows.get(row_number=2)

    response = client_for(caseworker).post(
        reverse("outcomes:held_row_link", args=[held.pk]),
        {"q": "Ode", "child": nia.pk},
        follow=True,
    )

    assert "2 rows applied to Nia Ode" in response.content.decode()
    assert {d.date: (d.am, d.pm) for d in AttendanceDay.objects.filter(child=nia)} == {
        date(2025, 11, 3): ("/", "\\"),
        date(2025, 11, 4): ("N", "N"),
    }
    assert "555001" not in response.content.decode()


def test_a_child_must_be_chosen_to_link(sample_world, caseworker, client_for):
    feed = imported(UNMATCHED)
    held = feed.held_rows.get(row_number=2)
    ChildFactory(legal_last_name="Ode")

    response = client_for(caseworker).post(
        reverse("outcomes:held_row_link", args=[held.pk]), {"q": "Ode"}
    )

    assert "Select the child these rows are for" in response.content.decode()
    assert HeldFeedRow.objects.filter(status=HeldStatus.HELD).count() == 3


def test_dismissing_needs_a_reason_and_dismisses_every_row_for_that_child(
    sample_world, caseworker, client_for
):
    feed = imported(UNMATCHED)
    held = feed.held_rows.get(row_number=3)
    url = reverse("outcomes:held_row_dismiss", args=[held.pk])
    client = client_for(caseworker)

    assert (
        "Enter why you are dismissing these rows"
        in client.post(url, {"note": " "}).content.decode()
    )
    response = client.post(url, {"note": "Not in our care: Kent's child"}, follow=True)

    page = response.content.decode()
    assert "2 rows dismissed" in page
    assert "555001" not in page and "555002" in page
    dismissed = feed.held_rows.filter(status=HeldStatus.DISMISSED)
    assert sorted(dismissed.values_list("row_number", flat=True)) == [2, 3]
    assert set(dismissed.values_list("resolution_note", flat=True)) == {
        "Not in our care: Kent's child"
    }
    assert client.get(url).status_code == 404  # nothing left to dismiss


# --- Who may use the pages ------------------------------------------------------------------------


def _every_url(feed: AttendanceImport, held: HeldFeedRow) -> list[str]:
    return [
        reverse("outcomes:feed_list"),
        reverse("outcomes:feed_upload"),
        detail_url(feed),
        reverse("outcomes:feed_held_rows_csv", args=[feed.pk]),
        reverse("outcomes:unmatched_list"),
        reverse("outcomes:held_row_link", args=[held.pk]),
        reverse("outcomes:held_row_dismiss", args=[held.pk]),
    ]


@pytest.mark.parametrize(
    "persona", [Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER, Role.GOVERNOR], indirect=True
)
def test_teachers_social_workers_and_governors_may_not_use_the_import_pages(
    sample_world, persona, client_for
):
    feed = imported(UNMATCHED)
    client = client_for(persona)

    for url in _every_url(feed, feed.held_rows.first()):
        assert client.get(url).status_code == 403, url
    assert client.post(detail_url(feed), {"action": "discard"}).status_code == 403


@pytest.mark.parametrize("persona", [Role.HEAD, Role.CASEWORKER, Role.ADMIN], indirect=True)
def test_the_virtual_school_and_administrators_may_use_the_import_pages(
    sample_world, persona, client_for
):
    feed = imported(UNMATCHED)
    client = client_for(persona)

    for url in _every_url(feed, feed.held_rows.first()):
        assert client.get(url).status_code == 200, url


def test_an_administrator_can_only_link_rows_to_children_they_may_see(
    sample_world, administrator, client_for
):
    feed = imported(UNMATCHED)
    held = feed.held_rows.get(row_number=2)
    someone = ChildFactory(legal_last_name="Ode")

    client = client_for(administrator)
    page = client.get(reverse("outcomes:held_row_link", args=[held.pk])).content.decode()
    refused = client.post(
        reverse("outcomes:held_row_link", args=[held.pk]), {"q": "Ode", "child": someone.pk}
    )

    assert "No child you can see matches ‘Ode’" in page
    assert refused.status_code == 200
    assert HeldFeedRow.objects.get(pk=held.pk).status == HeldStatus.HELD


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("outcomes:feed_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sign_in"))


# --- Saved layouts in the admin ---------------------------------------------------------------


def _mapping_form(**changes) -> FeedMappingForm:
    data = {
        "name": "Session rows",
        "kind": FeedKind.ATTENDANCE,
        "layout": FeedLayout.SESSION_ROWS,
        "columns": '{"la_child_id": "Child Ref", "session": "Period", "code": "Mark"}',
        "date_format": "%Y-%m-%d",
        "delimiter": "",
        **changes,
    }
    return FeedMappingForm(data=data)


def test_an_admin_saves_a_one_row_per_session_layout():
    form = _mapping_form()

    assert form.is_valid(), form.errors
    mapping = form.save()
    assert mapping.columns == {"la_child_id": "Child Ref", "session": "Period", "code": "Mark"}


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"columns": '{"child": "Child Ref"}'}, "‘child’ is not one of our field names"),
        ({"columns": '{"am": "Morning"}'}, "‘am’ is not one of our field names"),
        ({"columns": '{"date": "  "}'}, "Enter the column heading for ‘date’"),
        ({"columns": '{"date": "Day", "dob": "Day"}'}, "Each field needs its own column heading"),
        ({"columns": '["Child Ref"]'}, "Enter the columns as a JSON object"),
        ({"date_format": "%d/%m"}, "Enter a date format with the day, month and year"),
    ],
    ids=["unknown field", "am in a session layout", "blank", "shared heading", "list", "no year"],
)
def test_a_layout_with_unknown_fields_or_blank_headings_is_refused(changes, error):
    form = _mapping_form(**changes)

    assert not form.is_valid()
    assert any(error in message for messages in form.errors.values() for message in messages)


def test_the_admin_layout_page_lists_our_field_names(administrator, client_for):
    page = client_for(administrator).get(reverse("admin:outcomes_feedmapping_add"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "la_child_id (LA Child ID)" in text
    assert "session (Session), code (Code)" in text


def test_imports_are_read_only_in_the_admin(sample_world, administrator, client_for):
    feed = imported(UNMATCHED)
    client = client_for(administrator)

    assert client.get(reverse("admin:outcomes_attendanceimport_changelist")).status_code == 200
    assert client.get(reverse("admin:outcomes_heldfeedrow_changelist")).status_code == 200
    assert client.get(reverse("admin:outcomes_attendanceimport_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:outcomes_attendanceimport_delete", args=[feed.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AttendanceImport.objects.filter(pk=feed.pk).exists()


def _summary(page: str) -> dict[str, str]:
    """The summary list on a page, key → value, as text."""
    pairs = re.findall(
        r'<dt class="govuk-summary-list__key">(.*?)</dt>\s*'
        r'<dd class="govuk-summary-list__value">(.*?)</dd>',
        page,
        flags=re.S,
    )
    return {key.strip(): value.strip() for key, value in pairs}


def test_rows_of_a_file_not_yet_imported_are_not_listed_for_linking(
    sample_world, caseworker, client_for
):
    client = client_for(caseworker)
    upload(client, UNMATCHED)
    held = HeldFeedRow.objects.filter(unmatched=True).first()

    listed = client.get(reverse("outcomes:unmatched_list")).content.decode()
    check = client.get(detail_url(held.feed_import)).content.decode()

    assert "555001" not in listed
    assert "Once the file is imported, you can link them to a child" in check
    assert client.get(reverse("outcomes:held_row_link", args=[held.pk])).status_code == 404


def test_an_exclusions_file_is_checked_and_its_held_rows_shown(
    sample_world, caseworker, client_for
):
    content = (SAMPLE / "welfare_call_exclusions.csv").read_bytes().rstrip(b"\n") + (
        b"\n100871,,111766,SUS,10/11/2025,10/11/2025,2,VA,,,\n"
    )
    client = client_for(caseworker)

    upload(client, content, name="exclusions.csv", kind=FeedKind.EXCLUSIONS)

    feed = AttendanceImport.objects.get()
    page = client.get(detail_url(feed)).content.decode()
    assert feed.kind == FeedKind.EXCLUSIONS
    assert _summary(page)["Suspensions that would be added"] == "1"
    assert "Type &#x27;SUS&#x27; is not SUSP, PERM or LNCH." in page
    assert "10/11/2025 to 10/11/2025" in page and "SUS VA" in page
