"""A child's record: the summary, the care tab's figures, the education tab and the history
of every change with who made it."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pupils import record_tabs
from pupils.models import (
    AllocationRole,
    AlternativeProvision,
    CareEpisode,
    Child,
    Cohort,
    EnrolmentKind,
    ReducedTimetable,
)
from tests.factories import (
    AllocationFactory,
    CareEpisodeFactory,
    ChildFactory,
    CohortMembershipFactory,
    DesignatedTeacherFactory,
    EnrolmentFactory,
    SchoolFactory,
    SenRecordFactory,
    UserFactory,
)
from vschool.accounts.models import Role
from vschool.history import attributed

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 11, 10)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def page(client, name: str, child: Child, **params) -> str:
    response = client.get(reverse(name, kwargs={"pk": child.pk}), params)
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    """The page's words, tags removed and spaces collapsed, to check what a reader sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- Summary ---------------------------------------------------------------------------------


@pytest.fixture
def child(caseworker, social_worker):
    """Ava: in care since 2023, fostered in the authority; at Alder Academy with a designated
    teacher, dual-registered at a PRU, on a reduced timetable, with alternative provision and
    SEN support; previously looked after once before (SGO) then back in care."""
    ava = ChildFactory(
        legal_first_name="Ava",
        legal_last_name="Ash",
        preferred_name="Avi",
        la_child_id="LA0001",
        date_of_birth=D(2012, 1, 15),
    )
    alder = SchoolFactory(name="Alder Academy", urn="111111")
    pru = SchoolFactory(name="Pine PRU", urn="333333", phase="alternative")
    main = EnrolmentFactory(child=ava, school=alder, start_date=D(2023, 9, 1))
    EnrolmentFactory(
        child=ava, school=pru, kind=EnrolmentKind.SUBSIDIARY, start_date=D(2025, 10, 1)
    )
    ReducedTimetable.objects.create(
        enrolment=main, start_date=D(2025, 10, 6), hours_per_week=15, reason="Settling in"
    )
    AlternativeProvision.objects.create(
        child=ava,
        provider_name="Riverside Tuition",
        pattern="part_time",
        hours_per_week=6,
        start_date=D(2025, 10, 6),
        reason="Maths catch-up",
    )
    teacher = UserFactory(role=Role.DESIGNATED_TEACHER, full_name="Tara Teach")
    DesignatedTeacherFactory(user=teacher, school=alder)
    CohortMembershipFactory(
        child=ava,
        cohort=Cohort.PREVIOUSLY_LOOKED_AFTER,
        plac_route="sgo",
        start_date=D(2020, 2, 1),
        end_date=D(2023, 1, 9),
    )
    CohortMembershipFactory(child=ava, cohort=Cohort.CHILD_IN_CARE, start_date=D(2023, 1, 10))
    CareEpisodeFactory(
        child=ava,
        start_date=D(2023, 1, 10),
        placement_type="U4",
        placement_la_code="999",
        placement_postcode_district="EX1",
    )
    SenRecordFactory(child=ava, provision="K", primary_need="SEMH", secondary_need="SLCN")
    AllocationFactory(child=ava, user=caseworker)
    AllocationFactory(child=ava, user=social_worker, role=AllocationRole.SOCIAL_WORKER)
    return ava


def test_record_header_shows_who_the_child_is(client_for, head, child):
    shown = text(page(client_for(head), "pupils:child_detail", child))

    assert "Avi Ash" in shown
    assert "LA child ID LA0001" in shown
    assert f"UPN {child.upn}" in shown
    assert "Age 13" in shown
    assert "Year group Year 9" in shown
    assert "Child in care" in shown


def test_summary_shows_identity_status_placement_school_people_and_sen(client_for, head, child):
    shown = text(page(client_for(head), "pupils:child_detail", child))

    assert "Legal name Ava Ash" in shown
    assert "Preferred name Avi" in shown
    assert "Date of birth 15 January 2012 (age 13)" in shown
    # status history, newest first
    assert shown.index("Child in care 10 January 2023 Now") < shown.index(
        "Previously looked after Special guardianship order 1 February 2020 9 January 2023"
    )
    assert "Placement type Fostered with other foster carers: long-term (U4)" in shown
    assert "In authority EX1" in shown
    assert "Main registration Alder Academy (URN 111111)" in shown
    assert "Subsidiary (dual registration) Pine PRU (URN 333333)" in shown
    assert "Reduced timetable 15.0 hours a week at Alder Academy since 6 October 2025" in shown
    assert "Alternative provision Riverside Tuition: part-time, 6.0 hours a week" in shown
    assert "Virtual School caseworker Carl Case" in shown
    assert "Social worker Sam Social" in shown
    assert "Designated teacher Tara Teach" in shown
    assert "Provision SEN support since 1 September 2022" in shown
    assert "Primary need Social, emotional and mental health" in shown
    assert "Secondary need Speech, language and communication needs" in shown


def test_summary_says_when_a_child_has_no_school_place_or_placement(client_for, head):
    alone = ChildFactory()

    shown = text(page(client_for(head), "pupils:child_detail", alone))

    assert "No school place" in shown
    assert "Not in care today." in shown
    assert "Virtual School caseworker None allocated" in shown


def test_change_links_are_only_for_those_who_may_change_the_record(
    client_for, head, social_worker, child
):
    edit = reverse("pupils:child_edit", kwargs={"pk": child.pk})
    people = reverse("pupils:allocation_change", kwargs={"pk": child.pk})

    assert edit in page(client_for(head), "pupils:child_detail", child)
    assert people in page(client_for(head), "pupils:child_detail", child)
    assert edit not in page(client_for(social_worker), "pupils:child_detail", child)
    assert people not in page(client_for(social_worker), "pupils:child_detail", child)


def test_record_tabs_link_to_their_own_pages_and_mark_the_current_one(client_for, head, child):
    response = client_for(head).get(reverse("pupils:child_care", kwargs={"pk": child.pk}))

    labels = [tab["text"] for tab in response.context["tabs"]]
    assert labels[:3] == ["Summary", "Care", "Education"]  # later apps' tabs come after
    assert labels[-1] == "History"
    assert [tab["text"] for tab in response.context["tabs"] if tab["current"]] == ["Care"]
    care = reverse("pupils:child_care", kwargs={"pk": child.pk})
    link = f'<a class="app-sub-navigation__link" href="{care}" aria-current="page">'
    assert link in response.content.decode().replace("\n", "")


def test_another_app_can_add_a_tab_without_pupils_knowing_it(
    monkeypatch, client_for, head, social_worker, child
):
    monkeypatch.setattr(record_tabs, "_TABS", dict(record_tabs._TABS))  # undone after the test
    record_tabs.register_tab("Test tab", "pupils:enrolment_add", order=31)
    record_tabs.register_tab(
        "Staff-only tab", "pupils:sen_change", permission="pupils.edit_children", order=32
    )

    def labels(user) -> list[str]:
        response = client_for(user).get(reverse("pupils:child_detail", kwargs={"pk": child.pk}))
        return [tab["text"] for tab in response.context["tabs"]]

    shown = labels(head)
    after_education = shown.index("Education") + 1
    assert shown[after_education : after_education + 2] == ["Test tab", "Staff-only tab"]
    assert "Test tab" in labels(social_worker)
    assert "Staff-only tab" not in labels(social_worker)


def test_record_needs_the_same_number_of_queries_however_many_children(client_for, head, child):
    client = client_for(head)
    url = reverse("pupils:child_detail", kwargs={"pk": child.pk})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for _ in range(20):
        other = ChildFactory()
        EnrolmentFactory(child=other)
        CareEpisodeFactory(child=other)
    assert queries() == before


# --- Care ------------------------------------------------------------------------------------


@pytest.fixture
def moved_child():
    """Two periods of care. The second, from 10 January 2023, has these episodes:

    1. 10 Jan 2023  S  fostered (U4)                      starts care: not a move
    2. 1 Jun 2024   P  another foster home (U6)           a move, before the last 12 months
    3. 1 Dec 2024   P  children's home (K2)               a move in the last 12 months
    4. 1 Aug 2025   T  holiday (T2)                       temporary: not a move
    5. 15 Aug 2025  T  back to the same children's home   a return: not a move
    6. 1 Oct 2025   L  same home, new legal status        not a move
    7. 20 Oct 2025  P  foster home out of authority (U4)  a move this school year

    So, on 10 November 2025: this school year (from 1 September 2025) 1 move (7); the last 12
    months (from 11 November 2024) 2 moves (3 and 7).
    """
    child = ChildFactory(legal_first_name="Moe", legal_last_name="Mover")
    CareEpisodeFactory(
        child=child,
        start_date=D(2019, 3, 1),
        placement_type="U6",
        end_date=D(2020, 2, 1),
        reason_ceased="E13",
    )
    starts = [
        (D(2023, 1, 10), "S", "U4", "999"),
        (D(2024, 6, 1), "P", "U6", "999"),
        (D(2024, 12, 1), "P", "K2", "999"),
        (D(2025, 8, 1), "T", "T2", "999"),
        (D(2025, 8, 15), "T", "K2", "999"),
        (D(2025, 10, 1), "L", "K2", "999"),
        (D(2025, 10, 20), "P", "U4", "888"),
    ]
    for (start, reason, placement, la), following in zip(starts, [*starts[1:], None], strict=True):
        CareEpisodeFactory(
            child=child,
            start_date=start,
            reason_new_episode=reason,
            placement_type=placement,
            placement_la_code=la,
            end_date=following[0] if following else None,
            reason_ceased="X1" if following else "",
        )
    return child


def test_care_tab_counts_placement_moves_by_hand(client_for, head, moved_child):
    response = client_for(head).get(reverse("pupils:child_care", kwargs={"pk": moved_child.pk}))
    shown = text(response.content.decode())

    care = response.context["care"]
    assert care.moves_this_school_year == 1
    assert care.moves_last_12_months == 2
    assert "Placement moves this school year 1 (since 1 September 2025)" in shown
    assert "Placement moves in the last 12 months 2 (since 11 November 2024)" in shown


def test_care_tab_shows_periods_of_care_and_the_current_placement(client_for, head, moved_child):
    response = client_for(head).get(reverse("pupils:child_care", kwargs={"pk": moved_child.pk}))
    shown = text(response.content.decode())

    # 10 January 2023 to 10 November 2025: 731 days to 10 January 2025, then 304.
    assert "In care today Yes, for 1035 days in this period of care" in shown
    assert (
        "Current placement Fostered with other foster carers: long-term since 20 October 2025 "
        "Out of authority" in shown
    )
    assert "10 January 2023 In care 7" in shown
    assert (
        "1 March 2019 1 February 2020 1 "
        "Left care to live with people without parental responsibility" in shown
    )
    assert len(response.context["care"].episodes) == 8
    assert response.context["care"].episodes[0].start_date == D(2025, 10, 20)  # newest first


def test_care_tab_for_a_child_never_in_care(client_for, head):
    shown = text(page(client_for(head), "pupils:child_care", ChildFactory()))

    assert "In care today No" in shown
    assert "No care episodes recorded." in shown


# --- Education -------------------------------------------------------------------------------


def test_education_tab_shows_the_school_timeline_with_phase_transfers_and_gaps(client_for, head):
    child = ChildFactory()
    primary = SchoolFactory(name="Oak Primary", phase="primary")
    first_secondary = SchoolFactory(name="Elm High")
    second_secondary = SchoolFactory(name="Yew College")
    EnrolmentFactory(child=child, school=primary, start_date=D(2016, 9, 1), end_date=D(2023, 7, 21))
    EnrolmentFactory(
        child=child,
        school=first_secondary,
        start_date=D(2023, 9, 1),
        end_date=D(2024, 12, 20),
        is_phase_transfer=True,
        year_group=7,
    )
    EnrolmentFactory(child=child, school=second_secondary, start_date=D(2025, 2, 3), year_group=8)
    SenRecordFactory(child=child, provision="K", start_date=D(2022, 9, 1), end_date=D(2025, 3, 31))
    SenRecordFactory(
        child=child,
        provision="E",
        primary_need="ASD",
        ehcp_issuing_la_code="999",
        start_date=D(2025, 4, 1),
    )

    shown = text(page(client_for(head), "pupils:child_education", child))

    assert (
        "Yew College In authority Main 3 Feb 2025 On roll End enrolment at Yew College Year 8 "
        "Mid-phase move" in shown
    )
    assert "Elm High In authority Main 1 Sep 2023 20 Dec 2024 Year 7 Phase transfer" in shown
    assert "Oak Primary In authority Main 1 Sep 2016 21 Jul 2023 Not recorded Not on" in shown
    assert "From 22 July 2023 to 31 August 2023" in shown
    assert "From 21 December 2024 to 2 February 2025" in shown
    assert shown.index("Education, health and care plan") < shown.index("SEN support")
    assert "Issued by 999" in shown


def test_education_tab_flags_a_child_who_has_been_off_roll_since_their_last_school(
    client_for, head
):
    child = ChildFactory()
    EnrolmentFactory(child=child, start_date=D(2023, 9, 1), end_date=D(2025, 10, 17))

    shown = text(page(client_for(head), "pupils:child_education", child))

    assert "No school place since 18 October 2025" in shown


# --- History ---------------------------------------------------------------------------------


def test_history_shows_an_imports_change_and_a_users_change_with_who_and_what(
    client_for, head, caseworker
):
    child = ChildFactory(legal_first_name="Hal", legal_last_name="History")
    with attributed(acting_user=None, source="SSDA903 import #12"):
        episode = CareEpisode.objects.create(
            child=child,
            start_date=D(2025, 6, 1),
            reason_new_episode="S",
            legal_status="C2",
            category_of_need="N1",
            placement_type="U4",
        )
    with attributed(acting_user=caseworker, source="Placement change"):
        episode.placement_type = "K2"
        episode.save()
        child.preferred_name = "Hally"
        child.save()

    response = client_for(head).get(reverse("pupils:child_history", kwargs={"pk": child.pk}))
    entries = response.context["page_obj"].object_list
    shown = text(response.content.decode())

    added = next(e for e in entries if e.what == "Care episode added")
    assert added.who == ""
    assert added.source == "SSDA903 import #12"
    assert ("Placement type", "", "Fostered with other foster carers: long-term") in [
        (c.label, c.before, c.after) for c in added.changes
    ]
    changed = next(e for e in entries if e.what == "Care episode changed")
    assert changed.who == "Carl Case"
    assert [(c.label, c.before, c.after) for c in changed.changes] == [
        ("Placement type", "Fostered with other foster carers: long-term", "Children's home")
    ]
    details = next(e for e in entries if e.what == "Personal details changed")
    assert [(c.label, c.before, c.after) for c in details.changes] == [
        ("Preferred name", "", "Hally")
    ]
    assert "SSDA903 import #12" in shown
    assert "Carl Case Placement change" in shown
    assert "Care episode changed" in shown
    assert "Date episode started: 1 June 2025" in shown


def test_history_shows_changes_to_the_parts_of_a_record(client_for, head, caseworker):
    child = ChildFactory()
    school = SchoolFactory(name="Maple School")
    with attributed(acting_user=caseworker, source="Enrolment added"):
        enrolment = EnrolmentFactory(child=child, school=school, start_date=D(2025, 9, 3))
        ReducedTimetable.objects.create(
            enrolment=enrolment, start_date=D(2025, 9, 8), hours_per_week=10, reason="Anxiety"
        )
        AllocationFactory(child=child, user=caseworker)
        SenRecordFactory(child=child)
        CohortMembershipFactory(child=child)
    with attributed(acting_user=caseworker, source="Enrolment removed"):
        enrolment.reduced_timetables.all().delete()

    response = client_for(head).get(reverse("pupils:child_history", kwargs={"pk": child.pk}))
    whats = {entry.what: entry for entry in response.context["page_obj"].object_list}

    assert whats["School enrolment added"].subject == "Maple School from 3 September 2025"
    assert whats["Reduced timetable added"].who == "Carl Case"
    assert whats["Reduced timetable removed"].source == "Enrolment removed"
    assert whats["Caseworker or social worker added"].subject == (
        "Virtual School caseworker: Carl Case"
    )
    assert whats["SEN record added"].subject == "SEN support from 1 September 2022"
    assert whats["Cohort added"].subject == "Child in care from 1 May 2022"
    assert "Personal details added" in whats


@pytest.mark.django_db(transaction=True)
def test_history_is_newest_first_and_paginated(client_for, head):
    child = ChildFactory(preferred_name="")
    for n in range(30):
        with attributed(acting_user=head, source="Edit"):
            child.preferred_name = f"Name{n:02d}"
            child.save()
    client = client_for(head)

    first = client.get(reverse("pupils:child_history", kwargs={"pk": child.pk}))
    second = client.get(reverse("pupils:child_history", kwargs={"pk": child.pk}), {"page": 2})

    entries = first.context["page_obj"].object_list
    assert len(entries) == 25
    assert entries[0].changes[0].after == "Name29"
    assert entries[1].changes[0].after == "Name28"
    assert [e.what for e in second.context["page_obj"].object_list][-1] == (
        "Personal details added"
    )
    assert len(second.context["page_obj"].object_list) == 6
