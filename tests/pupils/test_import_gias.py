"""Schools from a GIAS establishment file: a Windows-1252 file with the real header row and
extra columns, phases mapped from GIAS's phase and type, bad rows held, re-import idempotent."""

from pathlib import Path

import pytest

from pupils.imports import UnreadableFile, import_check, import_commit
from pupils.imports.gias import phase_of
from pupils.models import ImportKind, Phase, School
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "gias_sample.csv"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run_import(content: bytes, name: str = "edubasealldata.csv"):
    run = import_check(
        kind=ImportKind.GIAS, files={"establishments": (name, content)}, acting_user=None
    )
    return import_commit(run=run, acting_user=None)


def import_from_sample():
    return run_import(SAMPLE.read_bytes())


def tally(run) -> dict:
    (only,) = run.counts["files"]
    return only


def test_the_sample_file_is_windows_1252_with_extra_columns():
    content = SAMPLE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    header = content.decode("cp1252").splitlines()[0].split(",")
    assert "TypeOfEstablishment (code)" in header
    assert len(header) > 9


def test_schools_are_imported_with_accented_names_and_phases():
    run = import_from_sample()

    assert (tally(run)["rows_read"], tally(run)["created"], tally(run)["held"]) == (15, 12, 3)
    school = School.objects.get(urn="990005")
    assert school.name == "École Saint-Michel"
    assert School.objects.get(urn="990012").name == "St Anne’s House School"
    phases = dict(School.objects.values_list("urn", "phase"))
    assert phases == {
        "990001": Phase.PRIMARY,
        "990002": Phase.SECONDARY,
        "990003": Phase.ALTERNATIVE,  # Pupil referral unit, phase "Not applicable"
        "990004": Phase.SPECIAL,  # Community special school
        "990005": Phase.INDEPENDENT,  # Other independent school, all-through
        "990006": Phase.FURTHER_EDUCATION,  # Further education, 16 plus
        "990007": Phase.SECONDARY,  # Academy 16-19 converter, 16 plus
        "990008": Phase.NURSERY,
        "990009": Phase.MIDDLE,  # Middle deemed secondary
        "990010": Phase.PRIMARY,
        "990011": Phase.ALTERNATIVE,  # Free schools alternative provision
        "990012": Phase.SPECIAL,  # Other independent special school
    }


def test_school_details_come_from_the_named_columns():
    import_from_sample()
    school = School.objects.get(urn="990002")
    assert (school.la_code, school.la_name, school.establishment_number) == (
        "999",
        "Exampleshire",
        "4001",
    )
    assert (school.laestab, school.type_name, school.postcode) == (
        "9994001",
        "Academy converter",
        "EX4 7HQ",
    )
    open_statuses = dict(School.objects.values_list("urn", "is_open"))
    assert open_statuses["990009"] is True  # "Open, but proposed to close"
    assert open_statuses["990010"] is False  # "Closed"


def test_bad_rows_are_held_with_reasons():
    run = import_from_sample()
    held = {h.row_number: h.reason for h in run.held_rows.all()}
    assert held == {
        14: "URN '99001' is not 6 digits.",
        15: "The school's name (EstablishmentName) is blank.",
        16: "LA code 'EX' is not 3 digits.",
    }
    # Only the columns the import reads are kept with a held row.
    assert set(run.held_rows.first().data) == {
        "URN",
        "LA (code)",
        "LA (name)",
        "EstablishmentNumber",
        "EstablishmentName",
        "TypeOfEstablishment (name)",
        "PhaseOfEducation (name)",
        "EstablishmentStatus (name)",
        "Postcode",
    }


def test_reimporting_changes_nothing_and_a_changed_school_is_updated():
    import_from_sample()
    again = import_from_sample()
    assert (tally(again)["created"], tally(again)["updated"], tally(again)["unchanged"]) == (
        0,
        0,
        12,
    )

    renamed = SAMPLE.read_bytes().replace(b"Hartley Academy", b"Hartley Park Academy")
    newer = run_import(renamed)
    assert (tally(newer)["updated"], tally(newer)["unchanged"]) == (1, 11)
    assert School.objects.get(urn="990002").name == "Hartley Park Academy"


def test_schools_not_in_the_file_are_left_alone():
    other = SchoolFactory(urn="123456", name="Elsewhere School")
    import_from_sample()
    other.refresh_from_db()
    assert other.name == "Elsewhere School"


def test_a_file_without_the_gias_columns_is_refused():
    with pytest.raises(UnreadableFile, match="is missing the columns LA \\(code\\), LA \\(name\\)"):
        run_import(b"URN,Name\n100000,A school\n", "schools.csv")


@pytest.mark.parametrize(
    ("type_name", "phase_name", "phase"),
    [
        ("Community school", "Primary", Phase.PRIMARY),
        ("Academy sponsor led", "Secondary", Phase.SECONDARY),
        ("Academy converter", "All-through", Phase.ALL_THROUGH),
        ("Foundation school", "Middle deemed primary", Phase.MIDDLE),
        ("Pupil referral unit", "Not applicable", Phase.ALTERNATIVE),
        ("Academy alternative provision converter", "Secondary", Phase.ALTERNATIVE),
        ("Foundation special school", "Not applicable", Phase.SPECIAL),
        ("Academy special sponsor led", "Secondary", Phase.SPECIAL),
        ("Other independent school", "Primary", Phase.INDEPENDENT),
        ("Further education", "16 plus", Phase.FURTHER_EDUCATION),
        ("Sixth form centres", "16 plus", Phase.FURTHER_EDUCATION),
        ("Free schools 16 to 19", "16 plus", Phase.SECONDARY),
        ("LA nursery school", "Not applicable", Phase.NURSERY),
        ("Higher education institutions", "Not applicable", Phase.NOT_APPLICABLE),
        ("Community school", "Primry", None),
    ],
)
def test_phase_of(type_name, phase_name, phase):
    assert phase_of(type_name, phase_name) == phase
