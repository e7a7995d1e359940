from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from pupils.codes import (
    CategoryOfNeed,
    LegalStatus,
    PlacementProvider,
    PlacementType,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlacementChange,
)
from pupils.models.children import Child
from vschool.history import tracked
from vschool.periods import ends_after_start, no_overlap


class CareEpisodeQuerySet(models.QuerySet):
    def on(self, day: date) -> "CareEpisodeQuerySet":
        """Episodes open on that day (SSDA903: the end date is the day the episode ceased)."""
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gt=day), start_date__lte=day)


@tracked
class CareEpisode(models.Model):
    """One SSDA903 episode of care: a period with one legal status and one placement. A new
    episode starts whenever either changes; periods of care and placement moves are derived
    from the sequence (pupils.care)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="care_episodes")
    start_date = models.DateField("date episode started")
    reason_new_episode = models.CharField(max_length=1, choices=ReasonNewEpisode.choices)
    legal_status = models.CharField(max_length=2, choices=LegalStatus.choices)
    category_of_need = models.CharField(max_length=2, choices=CategoryOfNeed.choices)
    placement_type = models.CharField(max_length=2, choices=PlacementType.choices)
    placement_provider = models.CharField(
        max_length=3, choices=PlacementProvider.choices, blank=True
    )
    placement_postcode_district = models.CharField(
        max_length=4,
        blank=True,
        help_text="The outward part of the placement's postcode only, never the address.",
    )
    placement_la_code = models.CharField("placement local authority code", max_length=3, blank=True)
    end_date = models.DateField("date episode ceased", null=True, blank=True)
    reason_ceased = models.CharField(max_length=3, choices=ReasonEpisodeCeased.choices, blank=True)
    reason_placement_change = models.CharField(
        max_length=6, choices=ReasonPlacementChange.choices, blank=True
    )

    objects = CareEpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [
            ends_after_start("care_episode_ends_after_start"),
            no_overlap("care_episodes_do_not_overlap", "child", inclusive_end=False),
        ]

    def __str__(self) -> str:
        return f"{self.child}: {self.get_placement_type_display()} from {self.start_date}"

    @property
    def placement_in_home_authority(self) -> bool | None:
        """Inside the council's area: from the placement's LA code when the extract gives it,
        otherwise from its postcode district; None when neither is known."""
        if self.placement_la_code:
            return self.placement_la_code == settings.LA_CODE
        if self.placement_postcode_district:
            return self.placement_postcode_district in settings.HOME_POSTCODE_DISTRICTS
        return None
