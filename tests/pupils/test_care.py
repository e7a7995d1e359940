"""Periods of care, placement moves, in care on a date and the cohorts derived from care,
worked by hand from small episode histories."""

from datetime import date

import pytest

from pupils.care import (
    cohort_memberships_sync_from_care,
    current_episode,
    in_care_on,
    leaving_care_cohort,
    periods_of_care,
    placement_in_home_authority,
    placement_moves,
)
from pupils.models import CareEpisode, Cohort, CohortMembership
from tests.factories import CareEpisodeFactory, ChildFactory, CohortMembershipFactory

SOURCE = "Test"


def episode(start, end=None, *, rne="P", place="U4", rec="X1", district="PE1", provider="PR1"):
    """An unsaved episode: the derivations need no database."""
    return CareEpisode(
        start_date=start,
        end_date=end,
        reason_new_episode=rne,
        legal_status="C2",
        category_of_need="N1",
        placement_type=place,
        placement_provider=provider,
        placement_postcode_district=district,
        reason_ceased=rec if end else "",
    )


# --- Periods of care ------------------------------------------------------------------------


def test_episodes_joined_by_x1_on_the_same_day_make_one_period():
    episodes = [
        episode(date(2021, 3, 1), date(2021, 9, 6), rne="S"),
        episode(date(2021, 9, 6), date(2022, 1, 3), rne="L"),
        episode(date(2022, 1, 3), rne="P", place="U6"),
    ]
    (period,) = periods_of_care(reversed(episodes))  # order in the file does not matter
    assert (period.start_date, period.end_date) == (date(2021, 3, 1), None)
    assert len(period.episodes) == 3


def test_a_gap_between_episodes_makes_two_periods():
    # Went home on 1 June 2021 (E4A), came back into care on 14 February 2022.
    first = episode(date(2020, 11, 2), date(2021, 6, 1), rne="S", rec="E4A")
    second = episode(date(2022, 2, 14), rne="S")
    periods = periods_of_care([second, first])
    assert [(p.start_date, p.end_date) for p in periods] == [
        (date(2020, 11, 2), date(2021, 6, 1)),
        (date(2022, 2, 14), None),
    ]


def test_x1_followed_by_a_gap_still_ends_the_period():
    first = episode(date(2020, 1, 6), date(2020, 5, 1), rne="S", rec="X1")
    later = episode(date(2020, 5, 4), rne="P")
    assert len(periods_of_care([first, later])) == 2


def test_a_reason_other_than_x1_ends_the_period_even_when_care_restarts_that_day():
    first = episode(date(2020, 1, 6), date(2020, 5, 1), rne="S", rec="E8")
    again = episode(date(2020, 5, 1), rne="S")
    assert len(periods_of_care([first, again])) == 2


# --- In care on a day -----------------------------------------------------------------------


def test_in_care_on_the_day_an_episode_ceases_when_the_next_begins_that_day():
    first = episode(date(2023, 1, 9), date(2023, 3, 1), rne="S", place="U4")
    second = episode(date(2023, 3, 1), date(2024, 1, 10), rne="P", place="K2", rec="E4A")
    episodes = [first, second]
    assert in_care_on(episodes, date(2023, 3, 1))
    assert current_episode(episodes, date(2023, 3, 1)) is second
    assert current_episode(episodes, date(2023, 2, 28)) is first


def test_not_in_care_on_the_day_care_ceased():
    episodes = [episode(date(2023, 1, 9), date(2024, 1, 10), rne="S", rec="E4A")]
    assert in_care_on(episodes, date(2024, 1, 9))
    assert not in_care_on(episodes, date(2024, 1, 10))
    assert not in_care_on(episodes, date(2023, 1, 8))
    assert in_care_on(episodes, date(2023, 1, 9))


def test_an_open_episode_means_in_care_from_its_start_onwards():
    episodes = [episode(date(2024, 6, 3), rne="S")]
    assert in_care_on(episodes, date(2030, 1, 1))
    assert current_episode([], date(2024, 6, 3)) is None


# --- Placement moves ------------------------------------------------------------------------

YEAR_START, YEAR_END = date(2022, 4, 1), date(2023, 3, 31)


def test_a_holiday_placement_and_the_return_to_the_same_carers_are_not_moves():
    episodes = [
        episode(date(2021, 10, 4), date(2022, 7, 25), rne="S", place="U4"),
        episode(date(2022, 7, 25), date(2022, 8, 8), rne="T", place="T2", district="LL30"),
        episode(date(2022, 8, 8), date(2023, 2, 1), rne="T", place="U4"),  # back home
        episode(date(2023, 2, 1), rne="P", place="U6", district="PE7"),  # a real move
    ]
    assert placement_moves(episodes, YEAR_START, YEAR_END) == 1


def test_leaving_a_temporary_placement_for_new_carers_is_one_move():
    episodes = [
        episode(date(2022, 5, 2), date(2022, 8, 1), rne="S", place="U4"),
        episode(date(2022, 8, 1), date(2022, 8, 5), rne="P", place="T3"),  # carers on holiday
        episode(date(2022, 8, 5), rne="P", place="U6", district="PE2"),  # did not go back
    ]
    assert placement_moves(episodes, YEAR_START, YEAR_END) == 1


def test_moves_are_counted_only_when_they_start_within_the_dates():
    episodes = [
        episode(date(2022, 1, 10), date(2022, 4, 1), rne="S", place="U4"),
        episode(date(2022, 4, 1), date(2023, 3, 31), rne="P", place="K2"),  # first day: counts
        episode(date(2023, 3, 31), date(2023, 4, 1), rne="B", place="U6"),  # last day: counts
        episode(date(2023, 4, 1), rne="P", place="U4", district="PE9"),  # after: does not
    ]
    assert placement_moves(episodes, YEAR_START, YEAR_END) == 2


def test_starting_care_and_changes_of_legal_status_are_not_moves():
    episodes = [
        episode(date(2022, 6, 1), date(2022, 9, 1), rne="S", place="U4"),
        episode(date(2022, 9, 1), rne="L", place="U4"),
    ]
    assert placement_moves(episodes, YEAR_START, YEAR_END) == 0


# --- Home authority and leaving care ----------------------------------------------------------


def test_placement_in_home_authority_uses_the_la_code_then_the_postcode_district(settings):
    settings.LA_CODE = "874"
    settings.HOME_POSTCODE_DISTRICTS = frozenset({"PE1"})
    in_area = episode(date(2022, 1, 1), district="PE1")
    by_code = episode(date(2022, 1, 1), district="PE1")
    by_code.placement_la_code = "873"
    unknown = episode(date(2022, 1, 1), district="")
    assert placement_in_home_authority(in_area) is True
    assert placement_in_home_authority(by_code) is False
    assert placement_in_home_authority(unknown) is None


@pytest.mark.parametrize(
    ("reason", "route"),
    [("E11", "adopted"), ("E12", "adopted"), ("E41", "cao"), ("E46", "sgo"), ("E4A", None)],
)
def test_leaving_care_cohort_names_the_plac_route(reason, route):
    assert leaving_care_cohort(episode(date(2020, 1, 1), date(2021, 1, 1), rec=reason)) == route


def test_an_open_episode_has_not_left_care():
    assert leaving_care_cohort(episode(date(2020, 1, 1))) is None


# --- Cohort memberships derived from care ----------------------------------------------------


def _memberships(child):
    return sorted(
        (m.cohort, m.start_date, m.end_date, m.plac_route)
        for m in CohortMembership.objects.filter(child=child)
    )


def _events() -> int:
    return CohortMembership.pgh_event_model.objects.count()


@pytest.mark.django_db
def test_adopted_child_is_in_care_until_the_day_before_and_plac_from_the_adoption_day():
    child = ChildFactory()
    CareEpisodeFactory(
        child=child,
        start_date=date(2019, 2, 11),
        end_date=date(2021, 5, 3),
        reason_ceased="X1",
    )
    CareEpisodeFactory(
        child=child,
        start_date=date(2021, 5, 3),
        reason_new_episode="P",
        placement_type="A4",
        end_date=date(2023, 6, 30),
        reason_ceased="E11",
    )
    counts = cohort_memberships_sync_from_care(
        child_ids=[child.pk], acting_user=None, source=SOURCE
    )
    assert counts == {"created": 2, "updated": 0, "deleted": 0}
    assert _memberships(child) == [
        ("cla", date(2019, 2, 11), date(2023, 6, 29), ""),
        ("plac", date(2023, 6, 30), None, "adopted"),
    ]


@pytest.mark.django_db
def test_two_periods_of_care_give_two_memberships_and_a_rerun_writes_nothing():
    child = ChildFactory()
    CareEpisodeFactory(
        child=child, start_date=date(2018, 3, 5), end_date=date(2019, 1, 7), reason_ceased="E4A"
    )
    CareEpisodeFactory(child=child, start_date=date(2020, 10, 12))
    cohort_memberships_sync_from_care(child_ids=[child.pk], acting_user=None, source=SOURCE)
    assert _memberships(child) == [
        ("cla", date(2018, 3, 5), date(2019, 1, 6), ""),
        ("cla", date(2020, 10, 12), None, ""),
    ]

    events = _events()
    again = cohort_memberships_sync_from_care(child_ids=[child.pk], acting_user=None, source=SOURCE)
    assert again == {"created": 0, "updated": 0, "deleted": 0}
    assert _events() == events


@pytest.mark.django_db
def test_leaving_care_later_ends_the_open_membership_in_place():
    child = ChildFactory()
    open_episode = CareEpisodeFactory(child=child, start_date=date(2021, 9, 1))
    cohort_memberships_sync_from_care(child_ids=[child.pk], acting_user=None, source=SOURCE)
    (membership,) = CohortMembership.objects.filter(child=child)

    open_episode.end_date, open_episode.reason_ceased = date(2024, 2, 20), "E45"
    open_episode.save()
    counts = cohort_memberships_sync_from_care(
        child_ids=[child.pk], acting_user=None, source=SOURCE
    )
    assert counts == {"created": 1, "updated": 1, "deleted": 0}
    membership.refresh_from_db()
    assert membership.end_date == date(2024, 2, 19)
    assert _memberships(child)[1] == ("plac", date(2024, 2, 20), None, "sgo")


@pytest.mark.django_db
def test_returning_to_care_after_an_sgo_breakdown_ends_plac_the_day_before():
    child = ChildFactory()
    CareEpisodeFactory(
        child=child, start_date=date(2016, 4, 4), end_date=date(2018, 7, 2), reason_ceased="E47"
    )
    cohort_memberships_sync_from_care(child_ids=[child.pk], acting_user=None, source=SOURCE)
    CareEpisodeFactory(child=child, start_date=date(2022, 1, 17))
    cohort_memberships_sync_from_care(child_ids=[child.pk], acting_user=None, source=SOURCE)
    assert _memberships(child) == [
        ("cla", date(2016, 4, 4), date(2018, 7, 1), ""),
        ("cla", date(2022, 1, 17), None, ""),
        ("plac", date(2018, 7, 2), date(2022, 1, 16), "sgo"),
    ]


@pytest.mark.django_db
def test_other_cohorts_are_left_alone():
    child = ChildFactory()
    CohortMembershipFactory(
        child=child, cohort=Cohort.CHILD_WITH_SOCIAL_WORKER, start_date=date(2015, 1, 1)
    )
    CohortMembershipFactory(child=child, cohort=Cohort.CARE_LEAVER, start_date=date(2024, 1, 1))
    stale_cla = CohortMembershipFactory(child=child, start_date=date(2010, 1, 1))
    CareEpisodeFactory(child=child, start_date=date(2019, 5, 13))

    cohort_memberships_sync_from_care(child_ids=[child.pk], acting_user=None, source=SOURCE)
    assert not CohortMembership.objects.filter(pk=stale_cla.pk).exists()
    assert _memberships(child) == [
        ("care_leaver", date(2024, 1, 1), None, ""),
        ("cla", date(2019, 5, 13), None, ""),
        ("cwsw", date(2015, 1, 1), None, ""),
    ]


@pytest.mark.django_db
def test_plac_entered_by_hand_and_children_without_episodes_are_left_alone():
    adopted_abroad = ChildFactory()
    CohortMembershipFactory(
        child=adopted_abroad,
        cohort=Cohort.PREVIOUSLY_LOOKED_AFTER,
        plac_route="adopted_abroad",
        start_date=date(2017, 3, 1),
    )
    CareEpisodeFactory(
        child=adopted_abroad,
        start_date=date(2019, 1, 7),
        end_date=date(2020, 2, 3),
        reason_ceased="E12",
    )
    no_episodes = ChildFactory()
    CohortMembershipFactory(child=no_episodes, start_date=date(2024, 9, 2))

    cohort_memberships_sync_from_care(
        child_ids=[adopted_abroad.pk, no_episodes.pk], acting_user=None, source=SOURCE
    )
    assert _memberships(adopted_abroad) == [
        ("cla", date(2019, 1, 7), date(2020, 2, 2), ""),
        ("plac", date(2017, 3, 1), None, "adopted_abroad"),
    ]
    assert _memberships(no_episodes) == [("cla", date(2024, 9, 2), None, "")]
