"""The import pages over HTTP: upload, preview, import or discard, the report and the held
rows as CSV; who may use them."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pupils.models import Child, HeldRow, ImportKind, ImportRun, ImportStatus, School
from tests.factories import make_upn
from vschool.accounts.models import Role

pytestmark = pytest.mark.django_db

GIAS_SAMPLE = Path(__file__).parent / "data" / "gias_sample.csv"
HEADER = (
    "CHILD,SEX,DOB,ETHNIC,UPN\n"
    f"C1,1,05/04/2012,WBRI,{make_upn(31)}\n"
    "C2,2,31/02/2011,WBRI,\n"  # not a date: held
).encode()
EPISODES = (
    b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,PL_POST\n"
    b"C1,01/09/2020,S,C2,N1,U4,PR1,,,PE1 1HF\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def upload_ssda903(client, header: bytes = HEADER, episodes: bytes = EPISODES):
    return client.post(
        reverse("pupils:import_ssda903_upload"),
        {"header": upload("header.csv", header), "episodes": upload("episodes.csv", episodes)},
    )


def test_a_caseworker_previews_then_imports_an_extract(caseworker, client_for):
    client = client_for(caseworker)

    response = upload_ssda903(client)
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pupils:import_detail", args=[run.pk])

    preview = client.get(response["Location"])
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Check the import" in page
    assert "Nothing has been changed yet" in page
    assert "Import these records" in page
    assert "Date of birth (DOB) &#x27;31/02/2011&#x27; is not a date" in page
    assert not Child.objects.exists()

    done = client.post(reverse("pupils:import_detail", args=[run.pk]), {"action": "import"})
    assert done.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportStatus.IMPORTED
    assert list(Child.objects.values_list("la_child_id", flat=True)) == ["C1"]

    report = client.get(reverse("pupils:import_detail", args=[run.pk])).content.decode()
    assert "Import report" in report
    assert "The records have been imported" in report
    assert "Import these records" not in report
    assert reverse("pupils:import_held_rows_csv", args=[run.pk]) in report


def test_importing_twice_does_nothing_the_second_time(caseworker, client_for):
    client = client_for(caseworker)
    upload_ssda903(client)
    run = ImportRun.objects.get()
    url = reverse("pupils:import_detail", args=[run.pk])
    client.post(url, {"action": "import"})

    again = client.post(url, {"action": "import"}, follow=True)
    assert "This import has already been imported" in again.content.decode()
    assert Child.objects.count() == 1


def test_discarding_imports_nothing(caseworker, client_for):
    client = client_for(caseworker)
    upload_ssda903(client)
    run = ImportRun.objects.get()

    response = client.post(
        reverse("pupils:import_detail", args=[run.pk]), {"action": "discard"}, follow=True
    )
    assert "The import has been discarded" in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportStatus.DISCARDED
    assert not Child.objects.exists()
    assert not HeldRow.objects.exists()


def test_the_import_list_shows_who_did_what(caseworker, client_for):
    client = client_for(caseworker)
    upload_ssda903(client)
    page = client.get(reverse("pupils:import_list")).content.decode()
    assert "Social-care extract (SSDA903)" in page
    assert caseworker.full_name in page
    assert "Checked, waiting to be imported" in page


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (b"CHILD,SEX,DOB\nC1,1,05/04/2012\n", "header.csv is missing the columns ETHNIC and UPN"),
        (b"%PDF-1.4\x00\x00binary", "header.csv must be a CSV file"),
        (b"", "The selected file is empty"),
    ],
)
def test_a_wrong_file_is_refused_on_the_form_and_nothing_stored(
    caseworker, client_for, header, message
):
    response = upload_ssda903(client_for(caseworker), header=header)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert not ImportRun.objects.exists()


def test_both_files_are_needed(caseworker, client_for):
    response = client_for(caseworker).post(
        reverse("pupils:import_ssda903_upload"), {"header": upload("header.csv", HEADER)}
    )
    assert "Select the episodes file" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_administrator_imports_schools_from_a_windows_1252_file(administrator, client_for):
    client = client_for(administrator)
    response = client.post(
        reverse("pupils:import_gias_upload"),
        {"establishments": upload("edubasealldata.csv", GIAS_SAMPLE.read_bytes())},
    )
    run = ImportRun.objects.get(kind=ImportKind.GIAS)
    assert response["Location"] == reverse("pupils:import_detail", args=[run.pk])
    client.post(response["Location"], {"action": "import"})
    assert School.objects.count() == 12
    assert School.objects.filter(name="École Saint-Michel").exists()


def test_held_rows_download_as_csv_with_formulas_made_harmless(caseworker, client_for):
    client = client_for(caseworker)
    header = b'CHILD,SEX,DOB,ETHNIC,UPN\n"=HYPERLINK(""http://example.org"")",1,not a date,WBRI,\n'
    upload_ssda903(client, header=header)
    run = ImportRun.objects.get()

    response = client.get(reverse("pupils:import_held_rows_csv", args=[run.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    header_columns = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN"]
    episode_columns = ["DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"]
    # The file's own column order, whatever order the database keeps the row's values in.
    assert list(rows[0]) == ["file", "row", "reason", *header_columns, *episode_columns, "PL_POST"]
    (held,) = [row for row in rows if row["file"] == "header.csv"]
    assert held["row"] == "2"
    assert held["CHILD"] == '\'=HYPERLINK("http://example.org")'
    assert held["DOB"] == "not a date"


def test_held_rows_are_paginated(caseworker, client_for):
    run = ImportRun.objects.create(kind=ImportKind.SSDA903, status=ImportStatus.IMPORTED)
    HeldRow.objects.bulk_create(
        HeldRow(run=run, file_name="header.csv", row_number=n, data={}, reason=f"Reason {n}.")
        for n in range(2, 62)
    )
    client = client_for(caseworker)
    first = client.get(reverse("pupils:import_detail", args=[run.pk])).content.decode()
    assert "Reason 51." in first
    assert "Reason 52." not in first
    assert "govuk-pagination" in first
    second = client.get(reverse("pupils:import_detail", args=[run.pk]), {"page": 2})
    assert "Reason 52." in second.content.decode()


# --- Who may use the import pages ----------------------------------------------------------------


def _pages(run: ImportRun) -> list[tuple[str, str]]:
    return [
        ("get", reverse("pupils:import_list")),
        ("get", reverse("pupils:import_ssda903_upload")),
        ("post", reverse("pupils:import_ssda903_upload")),
        ("get", reverse("pupils:import_gias_upload")),
        ("post", reverse("pupils:import_gias_upload")),
        ("get", reverse("pupils:import_detail", args=[run.pk])),
        ("post", reverse("pupils:import_detail", args=[run.pk])),
        ("get", reverse("pupils:import_held_rows_csv", args=[run.pk])),
    ]


@pytest.mark.parametrize(
    "persona", [Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER, Role.GOVERNOR], indirect=True
)
def test_other_roles_are_forbidden_every_import_page(persona, client_for):
    run = ImportRun.objects.create(kind=ImportKind.SSDA903, status=ImportStatus.CHECKED)
    client = client_for(persona)
    for method, url in _pages(run):
        response = getattr(client, method)(url, {"action": "import"} if method == "post" else {})
        assert response.status_code == 403, (method, url)
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED


@pytest.mark.parametrize("persona", [Role.HEAD, Role.CASEWORKER, Role.ADMIN], indirect=True)
def test_virtual_school_staff_and_administrators_may_use_them(persona, client_for):
    run = ImportRun.objects.create(kind=ImportKind.SSDA903, status=ImportStatus.IMPORTED)
    client = client_for(persona)
    for method, url in _pages(run):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("pupils:import_list"))
    assert response.status_code == 302
    assert "next=" in response["Location"]
