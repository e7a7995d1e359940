"""Placement changes (care episodes)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from pupils.care import cohort_memberships_sync_from_care, current_episode
from pupils.codes import TEMPORARY_PLACEMENTS
from pupils.models import (
    CareEpisode,
    Child,
)
from pupils.services.common import (
    POSTCODE_DISTRICT,
    Errors,
    attributed_write,
    check_la_code,
    long_date,
)

# --- Placements (care episodes) ---------------------------------------------------------------


def reason_new_episode(*, legal_status_changes: bool, same_carers: bool) -> str:
    """SSDA903 reason for a new episode when the placement changes (domain-rules §3):
    T  change of placement, same carer(s);  P  change of placement and carer(s);
    U  legal status and placement, same carer(s);  B  legal status, placement and carer(s)."""
    if legal_status_changes:
        return "U" if same_carers else "B"
    return "T" if same_carers else "P"


def _episode_to_end(child: Child, start_date: date) -> CareEpisode:
    """The episode a placement change from `start_date` follows on from."""
    episodes = list(CareEpisode.objects.filter(child=child))
    current = current_episode(episodes, start_date)
    if current is None:
        raise ValidationError(
            {
                "start_date": f"The child was not in care on {long_date(start_date)}, going by "
                "the care episodes from the social-care system. Check the date"
            }
        )
    later = [episode for episode in episodes if episode.start_date > start_date]
    if later:
        raise ValidationError(
            {
                "start_date": "A later care episode starts on "
                f"{long_date(min(e.start_date for e in later))}. A placement change must "
                "come after the latest episode"
            }
        )
    if current.start_date == start_date:
        raise ValidationError(
            {
                "start_date": f"The current placement started on {long_date(start_date)}. "
                "Enter the date the child moved from it"
            }
        )
    return current


def _check_placement(
    current: CareEpisode,
    *,
    start_date: date,
    placement_type: str,
    reason_placement_change: str,
    placement_postcode_district: str,
    placement_la_code: str,
) -> None:
    errors = Errors()
    if start_date > timezone.localdate():
        errors.add("start_date", "The date the placement started must be today or in the past")
    # SSDA903 (rules 225 and 226): a move between two settled placements needs a reason; a
    # move into or out of a temporary placement (a holiday, a hospital stay) has none.
    temporary = {current.placement_type, placement_type} & TEMPORARY_PLACEMENTS
    if not temporary and not reason_placement_change:
        errors.add("reason_placement_change", "Select why the placement changed")
    if temporary and reason_placement_change:
        errors.add(
            "reason_placement_change",
            "Leave the reason blank for a move into or out of a temporary placement",
        )
    if placement_postcode_district and not POSTCODE_DISTRICT.match(placement_postcode_district):
        errors.add(
            "placement_postcode_district",
            "Enter the first part of the placement's postcode, like PE1",
        )
    check_la_code(errors, "placement_la_code", placement_la_code, "The placement's authority")
    errors.raise_any()


def placement_change(
    *,
    acting_user,
    child: Child,
    start_date: date,
    placement_type: str,
    placement_provider: str,
    reason_placement_change: str = "",
    placement_postcode_district: str = "",
    placement_la_code: str = "",
    legal_status: str | None = None,
    same_carers: bool = False,
) -> CareEpisode:
    """Record that a child in care moved placement on `start_date`.

    As the SSDA903 return records it: the current episode ceases that day with reason X1 (a
    new episode began the same day) and carries the reason for the placement change; the new
    episode keeps the legal status (unless it changes too) and category of need, and any
    planned end of care moves onto it. The child-in-care cohort is then re-derived."""
    placement_postcode_district = placement_postcode_district.strip().upper()
    current = _episode_to_end(child, start_date)
    _check_placement(
        current,
        start_date=start_date,
        placement_type=placement_type,
        reason_placement_change=reason_placement_change,
        placement_postcode_district=placement_postcode_district,
        placement_la_code=placement_la_code,
    )
    new_legal_status = legal_status or current.legal_status
    rne = reason_new_episode(
        legal_status_changes=new_legal_status != current.legal_status, same_carers=same_carers
    )
    source = "Placement change"
    with attributed_write(acting_user, source):
        new = CareEpisode(
            child=child,
            start_date=start_date,
            reason_new_episode=rne,
            legal_status=new_legal_status,
            category_of_need=current.category_of_need,
            placement_type=placement_type,
            placement_provider=placement_provider,
            placement_postcode_district=placement_postcode_district,
            placement_la_code=placement_la_code,
            end_date=current.end_date,
            reason_ceased=current.reason_ceased,
        )
        current.end_date, current.reason_ceased = start_date, "X1"
        current.reason_placement_change = reason_placement_change
        current.save(update_fields=["end_date", "reason_ceased", "reason_placement_change"])
        new.save()
        cohort_memberships_sync_from_care(
            child_ids=[child.pk], acting_user=acting_user, source=source
        )
    return new
