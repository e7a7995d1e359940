"""What a child's care episodes mean: periods of care, the episode on a day, placement moves,
whether the placement is in the home authority, and leaving care into PLAC.

Episodes follow SSDA903: `end_date` is the day the episode ceased, so on that day the child is
no longer in that episode (they are either in the next one, begun the same day, or out of care).
The functions here are pure (they take any iterable of episodes, saved or not) except
`cohort_memberships_sync_from_care`, the one write, which keeps the child-in-care and PLAC
cohort memberships in step with the episodes.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from pupils.codes import PLAC_REASONS, TEMPORARY_PLACEMENTS
from pupils.models import CareEpisode, Cohort, CohortMembership, PlacRoute
from vschool.history import attributed

# RNE codes that mean the child moved to a new placement (P, T, U, B); S starts care and L is a
# change of legal status only.
PLACEMENT_CHANGE_REASONS = frozenset({"P", "T", "U", "B"})
CONTINUES_CARE = "X1"


@dataclass(frozen=True)
class CarePeriod:
    """An unbroken time in care: episodes each starting the day the previous one ceased with
    X1. `end_date` is the day care ceased (None while the child is still in care)."""

    start_date: date
    end_date: date | None
    episodes: tuple[CareEpisode, ...]

    @property
    def last_episode(self) -> CareEpisode:
        return self.episodes[-1]


def _in_order(episodes: Iterable[CareEpisode]) -> list[CareEpisode]:
    return sorted(episodes, key=lambda episode: episode.start_date)


def _continues(previous: CareEpisode, following: CareEpisode) -> bool:
    """The following episode carries on the same period of care."""
    return (
        previous.end_date is not None
        and previous.reason_ceased == CONTINUES_CARE
        and following.start_date == previous.end_date
    )


def periods_of_care(episodes: Iterable[CareEpisode]) -> list[CarePeriod]:
    """Group episodes into periods of care, earliest first. A gap between episodes, or an
    episode that ceased for any reason other than X1, ends a period."""
    runs: list[list[CareEpisode]] = []
    for episode in _in_order(episodes):
        if runs and _continues(runs[-1][-1], episode):
            runs[-1].append(episode)
        else:
            runs.append([episode])
    return [CarePeriod(run[0].start_date, run[-1].end_date, tuple(run)) for run in runs]


def current_episode(episodes: Iterable[CareEpisode], day: date) -> CareEpisode | None:
    """The episode the child was in on that day (the same rule as CareEpisode.objects.on)."""
    for episode in _in_order(episodes):
        if episode.start_date <= day and (episode.end_date is None or episode.end_date > day):
            return episode
    return None


def in_care_on(episodes: Iterable[CareEpisode], day: date) -> bool:
    """Looked after on that day. On the day an episode ceases the child is in care only if
    another episode began that day."""
    return current_episode(episodes, day) is not None


def _placement(episode: CareEpisode) -> tuple[str, str, str, str]:
    """What identifies a placement in the extract (carers' identities are not in it)."""
    return (
        episode.placement_type,
        episode.placement_provider,
        episode.placement_postcode_district,
        episode.placement_la_code,
    )


def placement_moves(episodes: Iterable[CareEpisode], start: date, end: date) -> int:
    """Changes of placement that started between `start` and `end` inclusive.

    Convention (the DfE placement-stability measure's): a temporary placement (T0-T4: a
    holiday, a hospital stay, respite of a week or less) is not a change of home. So the move
    into a temporary placement is never counted, and the move out of it counts only when the
    child does not go back to the placement they had before it: foster carer A, holiday, back
    to A is no move; A, holiday, then carer B is one move (A to B). Without this, a summer
    holiday would count as two moves and make a settled child look unstable. "The same
    placement" is the same placement type, provider, postcode district and LA, as the extract
    does not identify carers.
    """
    moves = 0
    settled: CareEpisode | None = None  # the last non-temporary placement in this period
    for episode in _in_order(episodes):
        temporary = episode.placement_type in TEMPORARY_PLACEMENTS
        if episode.reason_new_episode == "S":
            settled = None
        is_move = (
            episode.reason_new_episode in PLACEMENT_CHANGE_REASONS
            and not temporary
            and (settled is None or _placement(episode) != _placement(settled))
        )
        if is_move and start <= episode.start_date <= end:
            moves += 1
        if not temporary:
            settled = episode
    return moves


def placement_in_home_authority(episode: CareEpisode) -> bool | None:
    """Inside the council's area; None when the extract says neither the LA nor the postcode
    district. (One definition: the model's.)"""
    return episode.placement_in_home_authority


def leaving_care_cohort(episode: CareEpisode) -> str | None:
    """How the child left care into the previously-looked-after cohort (a PlacRoute value:
    "adopted", "sgo" or "cao") when this episode ended care by adoption, an SGO or a child
    arrangements order; None otherwise, including for an episode still open."""
    if episode.end_date is None:
        return None
    return PLAC_REASONS.get(episode.reason_ceased)


# --- The one write: cohort memberships derived from care ------------------------------------

# PLAC memberships the episodes can explain; one entered by hand for a child adopted from
# care abroad is not the sync's to change.
DERIVED_PLAC_ROUTES = frozenset({PlacRoute.ADOPTED, PlacRoute.SGO, PlacRoute.CAO})

Span = tuple[str, date, date | None, str]  # cohort, start, inclusive end, plac_route


def _cla_spans(periods: list[CarePeriod]) -> list[Span]:
    """One child-in-care membership per period; its inclusive end is the day before care
    ceased. Periods that touch after that (care ceased and began again the same day) merge,
    since two memberships may not share a day."""
    spans: list[Span] = []
    for period in periods:
        end = None
        if period.end_date is not None:
            end = max(period.start_date, period.end_date - timedelta(days=1))
        if spans and (spans[-1][2] is None or spans[-1][2] >= period.start_date):
            previous = spans.pop()
            merged_end = None if previous[2] is None or end is None else max(previous[2], end)
            spans.append((Cohort.CHILD_IN_CARE, previous[1], merged_end, ""))
        else:
            spans.append((Cohort.CHILD_IN_CARE, period.start_date, end, ""))
    return spans


def _plac_spans(periods: list[CarePeriod]) -> list[Span]:
    """PLAC from the day care ended by adoption, an SGO or a CAO; if the child later came back
    into care (the arrangement broke down), it ends the day before they did."""
    spans: list[Span] = []
    for period, following in zip(periods, [*periods[1:], None], strict=True):
        route = leaving_care_cohort(period.last_episode)
        if route is None:
            continue
        end = following.start_date - timedelta(days=1) if following else None
        if end is None or end >= period.end_date:
            spans.append((Cohort.PREVIOUSLY_LOOKED_AFTER, period.end_date, end, route))
    return spans


def _is_derived(membership: CohortMembership) -> bool:
    return membership.cohort == Cohort.CHILD_IN_CARE or membership.plac_route in DERIVED_PLAC_ROUTES


def _reconcile(
    child_id: int, wanted: list[Span], existing: list[CohortMembership]
) -> tuple[list[CohortMembership], list[CohortMembership], list[CohortMembership]]:
    """(to create, to update, to delete), matching rows on cohort and start date so that an
    unchanged membership is left untouched and a changed one keeps its history."""
    by_start = {(m.cohort, m.start_date): m for m in existing}
    create, update = [], []
    for cohort, start, end, route in wanted:
        row = by_start.pop((cohort, start), None)
        if row is None:
            create.append(
                CohortMembership(
                    child_id=child_id,
                    cohort=cohort,
                    start_date=start,
                    end_date=end,
                    plac_route=route,
                )
            )
        elif (row.end_date, row.plac_route) != (end, route):
            row.end_date, row.plac_route = end, route
            update.append(row)
    return create, update, list(by_start.values())


def cohort_memberships_sync_from_care(
    *, child_ids: Iterable[int], acting_user, source: str
) -> dict[str, int]:
    """Re-derive each child's "cla" and "plac" memberships from their care episodes: one
    child-in-care membership per period of care, and PLAC from the day care ended when a
    period's last episode ended in adoption, an SGO or a CAO (to the day before any return to
    care). Other cohorts (child with a social worker, care leaver, kinship), and children with
    no care episodes on record, are left alone. Writes only what changed; returns the counts."""
    ids = sorted(set(child_ids))
    episodes = _episodes_by_child(ids)
    memberships, hand_entered_plac = _derived_memberships_by_child(ids)
    create, update, delete = [], [], []
    for pk in ids:
        if not episodes[pk]:
            continue  # no care history on record: whatever cohort they are in was set by hand
        periods = periods_of_care(episodes[pk])
        wanted = _cla_spans(periods)
        if pk not in hand_entered_plac:
            wanted += _plac_spans(periods)
        created, updated, deleted = _reconcile(pk, wanted, memberships[pk])
        create += created
        update += updated
        delete += deleted
    if create or update or delete:
        with transaction.atomic(), attributed(acting_user=acting_user, source=source):
            # Deletes first, so that a shortened or merged membership never overlaps a stale one.
            CohortMembership.objects.filter(pk__in=[m.pk for m in delete]).delete()
            CohortMembership.objects.bulk_update(update, ["end_date", "plac_route"])
            CohortMembership.objects.bulk_create(create)
    return {"created": len(create), "updated": len(update), "deleted": len(delete)}


def _episodes_by_child(ids: list[int]) -> dict[int, list[CareEpisode]]:
    episodes: dict[int, list[CareEpisode]] = {pk: [] for pk in ids}
    for episode in CareEpisode.objects.filter(child_id__in=ids):
        episodes[episode.child_id].append(episode)
    return episodes


def _derived_memberships_by_child(
    ids: list[int],
) -> tuple[dict[int, list[CohortMembership]], set[int]]:
    """The memberships the sync owns, by child; and the children with a PLAC membership entered
    by hand, whose PLAC the sync leaves alone."""
    memberships: dict[int, list[CohortMembership]] = {pk: [] for pk in ids}
    hand_entered_plac: set[int] = set()
    rows = CohortMembership.objects.filter(
        child_id__in=ids, cohort__in=[Cohort.CHILD_IN_CARE, Cohort.PREVIOUSLY_LOOKED_AFTER]
    )
    for membership in rows:
        if _is_derived(membership):
            memberships[membership.child_id].append(membership)
        else:
            hand_entered_plac.add(membership.child_id)
    return memberships, hand_entered_plac
