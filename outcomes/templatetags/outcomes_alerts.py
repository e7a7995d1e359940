"""Alerts on the home page: `{% load outcomes_alerts %}{% my_alerts %}` lists the alerts not
yet acknowledged about the children allocated to the signed-in user."""

from django import template
from django.utils import timezone

from outcomes.models import AlertKind
from outcomes.services.alerts import alerts_about_my_children

register = template.Library()

HOME_LIST_LENGTH = 10
KIND_COLOURS = {
    AlertKind.SUSPENSION: "red",
    AlertKind.UNAUTHORISED_ABSENCE: "orange",
    AlertKind.LOW_ATTENDANCE: "yellow",
    AlertKind.NO_MARKS: "grey",
    AlertKind.REDUCED_TIMETABLE: "purple",
    AlertKind.SUSPENSION_DAYS: "pink",
}


@register.filter
def alert_colour(kind: str) -> str:
    return KIND_COLOURS.get(kind, "grey")


@register.inclusion_tag("outcomes/alerts/_my_alerts.html", takes_context=True)
def my_alerts(context) -> dict:
    user = context["request"].user
    if not user.has_perm("outcomes.view_alerts"):
        return {"show": False}
    new = alerts_about_my_children(user, timezone.localdate()).filter(acknowledged_at__isnull=True)
    return {
        "show": True,
        "alerts": list(
            new.select_related("child").order_by("-raised_at", "-pk")[:HOME_LIST_LENGTH]
        ),
        "total": new.count(),
    }
