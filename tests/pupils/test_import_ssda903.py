"""The SSDA903 import: the messy sample extract, every kind of held row with its reason,
re-import idempotence, a newer extract, and the check / import / discard lifecycle."""

import shutil
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from pupils.imports import (
    ImportNotWaiting,
    UnreadableFile,
    import_check,
    import_commit,
    import_discard,
    import_from_paths,
)
from pupils.models import (
    CareEpisode,
    Child,
    CohortMembership,
    ImportKind,
    ImportRun,
    ImportStatus,
)
from tests.factories import CareEpisodeFactory, ChildFactory, make_upn

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.BASE_DIR).parent / "shared" / "reference" / "samples" / "ssda903"
HEADER_COLUMNS = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
EPISODE_COLUMNS = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def csv_bytes(columns: str, *rows: str) -> bytes:
    return ("\n".join([columns, *rows]) + "\n").encode()


def check(header: bytes, episodes: bytes, user=None) -> ImportRun:
    files = {"header": ("header.csv", header), "episodes": ("episodes.csv", episodes)}
    return import_check(kind=ImportKind.SSDA903, files=files, acting_user=user)


def run_import(header: bytes, episodes: bytes, user=None) -> ImportRun:
    return import_commit(run=check(header, episodes, user), acting_user=user)


def import_sample(folder: Path = SAMPLE) -> ImportRun:
    return import_from_paths(
        kind=ImportKind.SSDA903,
        paths={"header": folder / "header.csv", "episodes": folder / "episodes.csv"},
    )


def reasons(run: ImportRun) -> dict[tuple[str, int], str]:
    return {(h.file_name, h.row_number): h.reason for h in run.held_rows.all()}


def files(run: ImportRun) -> dict[str, dict]:
    return {tally["label"].split("(")[1].rstrip(")"): tally for tally in run.counts["files"]}


def event_count() -> int:
    return sum(
        model.pgh_event_model.objects.count() for model in (Child, CareEpisode, CohortMembership)
    )


# --- The sample extract --------------------------------------------------------------------------


@pytest.fixture(scope="class")
def sample_run(django_db_setup, django_db_blocker, tmp_path_factory):
    """The sample imported once for the tests of the class (it takes a few seconds), committed
    so that each test sees it from its own transaction; the database is emptied afterwards."""
    with django_db_blocker.unblock():
        with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
            run = import_sample()
        yield run
        call_command("flush", interactive=False, verbosity=0)


class TestTheSampleExtract:
    def test_every_good_row_is_imported_and_the_bad_ones_held(self, sample_run):
        run = sample_run
        assert run.status == ImportStatus.IMPORTED
        header, episodes = files(run)["header.csv"], files(run)["episodes.csv"]
        # 2,675 children, all imported; 2,568 of their UPNs fail the check letter (the
        # sample's UPNs are random), so those children come in without one.
        assert (header["rows_read"], header["created"], header["held"]) == (2675, 2675, 0)
        assert header["imported_in_part"] == 2568
        # 5,050 episodes, of which 72 overlap an earlier episode of the same child.
        assert (episodes["rows_read"], episodes["created"], episodes["held"]) == (5050, 4978, 72)
        assert run.counts["problems"] == [["UPN not valid", 2568], ["Overlapping episodes", 72]]
        assert Child.objects.count() == 2675
        assert CareEpisode.objects.count() == 4978
        assert Child.objects.exclude(upn="").count() == 107

    def test_rows_checked_by_hand(self, sample_run):
        held = reasons(sample_run)

        # header.csv row 2: 566910,2,27/03/2008,WROM,D051910639385
        child = Child.objects.get(la_child_id="566910")
        assert (child.date_of_birth, child.sex, child.ethnicity, child.upn) == (
            date(2008, 3, 27),
            "2",
            "WROM",
            "",
        )
        assert child.legal_first_name == child.legal_last_name == ""
        assert held[("header.csv", 2)] == (
            "UPN D051910639385 has the wrong check letter (it should start R); "
            "the child was imported without it."
        )
        # header.csv row 15: 231934, a UPN with the right check letter.
        assert Child.objects.get(la_child_id="231934").upn == "T004199988970"

        # episodes.csv rows 2-3: a holiday placement ending X1, then an open episode whose
        # REC is a placeholder, and whose full placement postcode is cut to its district.
        first, second = child.care_episodes.order_by("start_date")
        assert (first.start_date, first.end_date, first.reason_ceased) == (
            date(2016, 2, 15),
            date(2017, 8, 14),
            "X1",
        )
        assert (first.reason_new_episode, first.legal_status, first.category_of_need) == (
            "L",
            "C2",
            "N3",
        )
        assert (first.placement_type, first.placement_provider) == ("T2", "PR0")
        assert first.reason_placement_change == "CLOSE"
        assert (second.end_date, second.reason_ceased) == (None, "")
        assert second.placement_postcode_district == "WV27"

        # episodes.csv rows 312-314 (child 708102): row 313 starts inside row 312's episode.
        assert held[("episodes.csv", 313)] == (
            "This episode, from 11 January 2018 to 25 March 2018, overlaps the child's episode "
            "from 11 March 2017 to 10 March 2018 (row 312), so it was not imported."
        )
        assert ("episodes.csv", 314) not in held
        assert held[("episodes.csv", 524)].startswith(
            "This episode, open from 15 June 2017, overlaps the child's episode from "
            "25 January 2017 to 23 July 2017 (row 523)"
        )

    def test_cohorts_follow_the_periods_of_care(self, sample_run):
        def memberships(la_child_id):
            return sorted(
                (m.cohort, m.start_date, m.end_date, m.plac_route)
                for m in CohortMembership.objects.filter(child__la_child_id=la_child_id)
            )

        # 566910: one period of care (X1 into an open episode).
        assert memberships("566910") == [("cla", date(2016, 2, 15), None, "")]
        # 708102: care ceased E14 on 10 March 2018, began again 25 March 2018.
        assert memberships("708102") == [
            ("cla", date(2017, 3, 11), date(2018, 3, 9), ""),
            ("cla", date(2018, 3, 25), None, ""),
        ]
        # 128831: adopted (E11) on 23 July 2017; the overlapping open episode was held.
        assert memberships("128831") == [
            ("cla", date(2017, 1, 25), date(2017, 7, 22), ""),
            ("plac", date(2017, 7, 23), None, "adopted"),
        ]

    def test_no_full_postcode_is_stored_anywhere(self, sample_run):
        districts = set(CareEpisode.objects.values_list("placement_postcode_district", flat=True))
        assert all(len(district) <= 4 and " " not in district for district in districts)
        for held in sample_run.held_rows.all():
            assert "HOME_POST" not in held.data
            assert " " not in held.data.get("PL_POST", "")

    def test_reimporting_the_same_extract_changes_nothing(self, sample_run):
        events = event_count()

        again = import_sample()

        header, episodes = files(again)["header.csv"], files(again)["episodes.csv"]
        assert (header["created"], header["updated"], header["unchanged"]) == (0, 0, 2675)
        assert (episodes["created"], episodes["updated"], episodes["unchanged"]) == (0, 0, 4978)
        assert episodes["held"] == 72
        assert [count for _, count in again.counts["derived"]] == [0, 0, 0]
        assert event_count() == events


def test_a_newer_extract_updates_a_changed_dob_and_episode(tmp_path):
    folder = tmp_path / "extract"
    folder.mkdir()
    header_lines = (SAMPLE / "header.csv").read_text().splitlines()[:41]  # 40 children
    children = {line.split(",")[0] for line in header_lines[1:]}
    episode_lines = [
        line
        for i, line in enumerate((SAMPLE / "episodes.csv").read_text().splitlines())
        if i == 0 or line.split(",")[0] in children
    ]
    (folder / "header.csv").write_text("\n".join(header_lines) + "\n")
    (folder / "episodes.csv").write_text("\n".join(episode_lines) + "\n")
    import_sample(folder)
    child = Child.objects.get(la_child_id="566910")
    child.legal_first_name, child.legal_last_name = "Amara", "Example"
    child.save()
    events = event_count()

    newer = tmp_path / "newer"
    shutil.copytree(folder, newer)
    header = (newer / "header.csv").read_text()
    (newer / "header.csv").write_text(header.replace("566910,2,27/03/2008", "566910,2,28/03/2008"))
    episodes = (newer / "episodes.csv").read_text()
    (newer / "episodes.csv").write_text(
        episodes.replace(
            "566910,14/08/2017,T,C2,N3,A3,PR3,,X1,",
            "566910,14/08/2017,T,C2,N3,A3,PR3,01/03/2018,E4A,",
        )
    )
    run = import_sample(newer)

    assert files(run)["header.csv"]["updated"] == 1
    assert files(run)["episodes.csv"]["updated"] == 1
    assert files(run)["episodes.csv"]["created"] == 0
    child.refresh_from_db()
    assert child.date_of_birth == date(2008, 3, 28)
    assert (child.legal_first_name, child.legal_last_name) == ("Amara", "Example")
    latest = child.care_episodes.get(start_date=date(2017, 8, 14))
    assert (latest.end_date, latest.reason_ceased) == (date(2018, 3, 1), "E4A")
    (membership,) = CohortMembership.objects.filter(child=child)
    assert membership.end_date == date(2018, 2, 28)
    # One child, one episode and one membership changed: three history events, no more.
    assert event_count() == events + 3


# --- Held rows, one reason each ------------------------------------------------------------------

GOOD_UPN = make_upn(4242)
HEADER = csv_bytes(HEADER_COLUMNS, f"C1,1,05/04/2012,WBRI,{GOOD_UPN},,")
EPISODES = csv_bytes(EPISODE_COLUMNS, "C1,01/09/2020,S,C2,N1,U4,PR1,,,,,PE1 1HF,")


def test_each_kind_of_bad_row_is_held_with_its_reason():
    taken = ChildFactory(la_child_id="OTHER1", upn=make_upn(777))
    header = csv_bytes(
        HEADER_COLUMNS,
        f"C1,1,05/04/2012,WBRI,{GOOD_UPN},,",  # row 2: fine
        "C2,2,06/05/2011,XXXX,UN2,,",  # row 3: unknown ethnicity; UN2 = UPN unknown
        "C3,2,31/02/2011,WBRI,,,",  # row 4: not a date
        "C4,1,01/01/2099,WBRI,,,",  # row 5: in the future
        f"C5,1,02/03/2010,WBRI,{taken.upn},,",  # row 6: another child's UPN
        "C6,1,02/03/2010,WBRI,ABC123,,",  # row 7: not the shape of a UPN
        "C1,1,05/04/2012,WBRI,,,",  # row 8: C1 again
    )
    episodes = csv_bytes(
        EPISODE_COLUMNS,
        "C1,01/09/2020,S,C2,N1,U4,PR1,10/02/2021,X1,,,PE1 1HF,",  # row 2: fine
        "C1,10/02/2021,P,C2,N1,F1,PR1,,,,,,",  # row 3: placement type F1
        "C1,05/01/2021,P,C2,N1,U6,PR1,,,,,,",  # row 4: inside row 2's episode
        "C2,01/03/2019,S,C2,N1,U4,PR1,01/02/2019,E4A,,,,",  # row 5: ends before it starts
        "C2,32/01/2019,S,C2,N1,U4,PR1,,,,,,",  # row 6: no such date
        "C9,01/03/2019,S,C2,N1,U4,PR1,,,,,,",  # row 7: nobody
        "C3,01/03/2019,S,C2,N1,U4,PR1,,,,,,",  # row 8: the child's header row was held
        "C1,01/09/2020,S,C2,N1,U4,PR1,10/02/2021,X1,,,,",  # row 9: row 2 again
        "C2,01/03/2019,S,XX,N1,U4,PR1,01/05/2019,E99,,,,",  # row 10: two unknown codes
        "C5,01/01/2099,S,C2,N1,U4,PR1,,,,,,",  # row 11: in the future
        "C5,01/06/2019,,C2,N1,U4,PR1,,,,,,",  # row 12: no RNE
        "C6,01/03/2019,S,C2,N1,U4,PR1,,,,,NOT A POSTCODE,",  # row 13: imported without PL_POST
    )
    run = run_import(header, episodes)
    held = reasons(run)

    assert held == {
        ("header.csv", 3): "Ethnicity 'XXXX' is not a DfE code; the child was imported without it.",
        ("header.csv", 4): "Date of birth (DOB) '31/02/2011' is not a date in the form "
        "dd/mm/yyyy, so the child was not imported.",
        ("header.csv", 5): "Date of birth 1 January 2099 is in the future, so the child was not "
        "imported.",
        ("header.csv", 6): f"UPN {taken.upn} is already recorded for another child (child ID "
        "OTHER1); the child was imported without it.",
        ("header.csv", 7): "UPN 'ABC123' is not 13 characters: a letter, 11 digits, then a digit "
        "(or a letter for a temporary UPN); the child was imported without it.",
        ("header.csv", 8): "Child C1 is also on row 2; only that row was imported.",
        ("episodes.csv", 3): "Placement type 'F1' is not an SSDA903 code.",
        ("episodes.csv", 4): "This episode, open from 5 January 2021, overlaps the child's "
        "episode from 1 September 2020 to 10 February 2021 (row 2), so it was not imported.",
        ("episodes.csv", 5): "The episode ceased on 1 February 2019, before it started on "
        "1 March 2019.",
        ("episodes.csv", 6): "Date episode started (DECOM) '32/01/2019' is not a date in the "
        "form dd/mm/yyyy.",
        ("episodes.csv", 7): "Child C9 is not in the header file and is not already on record.",
        ("episodes.csv", 8): "The child's row in the header file (row 4) was held, so their "
        "episodes were not imported.",
        ("episodes.csv", 9): "This child has another episode starting 1 September 2020, on "
        "row 2; only that row was imported.",
        ("episodes.csv", 10): "Legal status 'XX' is not an SSDA903 code. Reason episode ceased "
        "'E99' is not an SSDA903 code.",
        ("episodes.csv", 11): "The episode started on 1 January 2099, which is in the future.",
        ("episodes.csv", 12): "Reason for new episode (RNE) is blank.",
        ("episodes.csv", 13): "The placement postcode (PL_POST) is not a postcode; the episode "
        "was imported without it.",
    }
    assert set(Child.objects.values_list("la_child_id", flat=True)) == {
        "OTHER1",
        "C1",
        "C2",
        "C5",
        "C6",
    }
    assert Child.objects.get(la_child_id="C1").upn == GOOD_UPN
    assert Child.objects.get(la_child_id="C2").ethnicity == ""
    assert Child.objects.get(la_child_id="C5").upn == ""
    districts = dict(
        CareEpisode.objects.values_list("child__la_child_id", "placement_postcode_district")
    )
    assert districts == {"C1": "PE1", "C6": ""}
    header_tally, episode_tally = run.counts["files"]
    assert (header_tally["held"], header_tally["imported_in_part"]) == (3, 3)
    assert (episode_tally["created"], episode_tally["held"]) == (2, 10)
    assert episode_tally["imported_in_part"] == 1


def test_an_episode_overlapping_one_on_record_but_not_in_the_file_is_held():
    child = ChildFactory(la_child_id="C1")
    CareEpisodeFactory(child=child, start_date=date(2019, 1, 7), end_date=date(2019, 6, 3))
    run = run_import(
        csv_bytes(HEADER_COLUMNS, "C1,1,05/04/2012,WBRI,,,"),
        csv_bytes(EPISODE_COLUMNS, "C1,01/05/2019,S,C2,N1,U4,PR1,,,,,,"),
    )
    assert reasons(run) == {
        ("episodes.csv", 2): "This episode, open from 1 May 2019, overlaps the child's episode "
        "from 7 January 2019 to 3 June 2019 (already on record), so it was not imported."
    }
    assert child.care_episodes.count() == 1


def test_the_database_constraint_never_crashes_the_import(monkeypatch):
    # Were the import's own overlap check ever wrong, the database's constraint is the last
    # line: the child's rows are held rather than the import failing.
    monkeypatch.setattr("pupils.imports.ssda903.episodes._overlap", lambda a, b: False)
    run = run_import(
        csv_bytes(HEADER_COLUMNS, "C1,1,05/04/2012,WBRI,,,", "C2,1,05/04/2012,WBRI,,,"),
        csv_bytes(
            EPISODE_COLUMNS,
            "C1,01/09/2020,S,C2,N1,U4,PR1,,,,,,",
            "C1,05/01/2021,P,C2,N1,U6,PR1,,,,,,",
            "C2,05/01/2021,S,C2,N1,U6,PR1,,,,,,",
        ),
    )
    assert run.status == ImportStatus.IMPORTED
    assert CareEpisode.objects.filter(child__la_child_id="C1").count() == 0
    assert CareEpisode.objects.filter(child__la_child_id="C2").count() == 1
    assert {row for _, row in reasons(run)} == {2, 3}


def test_names_on_record_are_never_blanked_and_blank_values_never_erase():
    child = ChildFactory(la_child_id="C1", upn=GOOD_UPN, ethnicity="WIRI", sex="2")
    run_import(csv_bytes(HEADER_COLUMNS, "C1,,15/01/2012,,,,"), EPISODES)
    before = (child.legal_first_name, child.legal_last_name, child.upn, child.ethnicity)
    child.refresh_from_db()
    assert (child.legal_first_name, child.legal_last_name, child.upn, child.ethnicity) == before
    assert child.sex == "2"


# --- Reading messy files -------------------------------------------------------------------------


def test_bom_blank_lines_spaces_and_windows_1252_are_read():
    header = (
        "\ufeff CHILD , SEX,DOB,ETHNIC,UPN\r\n\r\n C1 ,1, 05/04/2012 ,wbri,\r\n\r\n"
        "C2,2,06/05/2011,XXXX,\r\n"
    ).encode("utf-8")
    episodes = (
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,Note\r\n"
        "C1,01/09/2020,s,c2,n1,u4,pr1,,,Café\r\n"
    )
    run = run_import(header, episodes.encode("cp1252"))
    # Row numbers are the spreadsheet's: the blank lines count.
    assert reasons(run) == {
        ("header.csv", 5): "Ethnicity 'XXXX' is not a DfE code; the child was imported without it."
    }
    child = Child.objects.get(la_child_id="C1")
    assert (child.date_of_birth, child.ethnicity) == (date(2012, 4, 5), "WBRI")
    assert child.care_episodes.get().placement_type == "U4"


def test_a_row_with_extra_cells_is_held_and_the_rest_imported():
    header = csv_bytes(HEADER_COLUMNS, "C1,1,05/04/2012,WBRI,,,", "C2,1,05/04/2012,WBRI,,,,9,9")
    run = run_import(header, EPISODES)
    assert reasons(run) == {
        ("header.csv", 3): "This row has 9 cells but the file has 7 columns, so it could not be "
        "read."
    }
    assert list(Child.objects.values_list("la_child_id", flat=True)) == ["C1"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "header.csv is empty"),
        (b"PK\x03\x04\x14\x00\x06\x00", "header.csv must be a CSV file"),
        (b"CHILD,SEX,DOB\n1,1,01/01/2010\n", "header.csv is missing the columns ETHNIC and UPN"),
        (HEADER_COLUMNS.encode() + b"\n\n", "header.csv has column headings but no rows"),
    ],
)
def test_a_wrong_file_is_refused_whole_and_nothing_is_stored(content, message):
    with pytest.raises(UnreadableFile) as refused:
        check(content, csv_bytes(EPISODE_COLUMNS, "C1,01/09/2020,S,C2,N1,U4,PR1,,,,,,"))
    assert str(refused.value).startswith(message)
    assert not ImportRun.objects.exists()


# --- Lifecycle -----------------------------------------------------------------------------------


def test_checking_changes_nothing_but_says_what_would_happen(caseworker):
    run = check(HEADER, EPISODES, caseworker)
    assert run.status == ImportStatus.CHECKED
    assert run.started_by == caseworker
    assert (run.counts["created"], run.counts["rows_read"]) == (2, 2)
    assert not Child.objects.exists()
    assert event_count() == 0
    assert len(run.sha256) == 64
    # What is kept until the import: only the columns read, the postcode cut to its district.
    stored = run.files.get(role="episodes").content.read().decode()
    assert "PE1 1HF" not in stored
    assert "HOME_POST" not in stored


def test_importing_is_attributed_to_the_run_and_the_user(caseworker):
    run = run_import(HEADER, EPISODES, caseworker)
    child = Child.objects.get(la_child_id="C1")
    event = child.pgh_event_model.objects.get(pgh_obj=child)
    assert event.pgh_context.metadata["source"] == f"SSDA903 import #{run.pk}"
    assert event.pgh_context.metadata["user"] == caseworker.pk
    assert run.imported_at is not None
    assert not run.files.exists()  # the uploaded files are not kept after the import


def test_a_run_cannot_be_imported_twice_or_after_discarding(caseworker):
    run = check(HEADER, EPISODES, caseworker)
    import_commit(run=run, acting_user=caseworker)
    with pytest.raises(ImportNotWaiting, match="already been imported"):
        import_commit(run=run, acting_user=caseworker)
    assert Child.objects.count() == 1

    other = check(HEADER, EPISODES, caseworker)
    import_discard(run=other, acting_user=caseworker)
    with pytest.raises(ImportNotWaiting, match="already been discarded"):
        import_commit(run=other, acting_user=caseworker)


def test_discarding_keeps_nothing_of_the_files(caseworker):
    bad = csv_bytes(HEADER_COLUMNS, "C1,1,31/02/2012,WBRI,,,")
    run = check(bad, EPISODES, caseworker)
    assert run.held_rows.exists()
    import_discard(run=run, acting_user=caseworker)
    run.refresh_from_db()
    assert run.status == ImportStatus.DISCARDED
    assert not run.held_rows.exists()
    assert not run.files.exists()
    assert not Child.objects.exists()
