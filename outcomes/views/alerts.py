"""The alerts pages: the list (a caseworker's or social worker's own children by default) and
acknowledging an alert with an optional note."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from outcomes.models import Alert, AlertKind
from outcomes.services.alerts import alert_acknowledge as acknowledge
from outcomes.services.alerts import alerts_about_my_children
from pupils.access import children_visible_to
from vschool.accounts.models import Role
from vschool.forms import GovukFormMixin

PAGE_SIZE = 50
views_alerts = permission_required("outcomes.view_alerts", raise_exception=True)

NEW, ACKNOWLEDGED, ANY = "new", "acknowledged", ""
STATUSES = [(NEW, "Not acknowledged"), (ACKNOWLEDGED, "Acknowledged"), (ANY, "Any")]
MINE, EVERYONE = "mine", "all"


class AlertFilterForm(forms.Form):
    """The list's filters, read from the query string; anything unexpected means "any"."""

    kind = forms.ChoiceField(
        label="Kind of alert", choices=[("", "Any kind"), *AlertKind.choices], required=False
    )
    status = forms.ChoiceField(label="Status", choices=STATUSES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "govuk-select"

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name, "") if self.is_valid() else ""


class AcknowledgeForm(GovukFormMixin, forms.Form):
    submit_label = "Acknowledge alert"
    note = forms.CharField(
        label="Note (optional)",
        help_text="What you have done or will do, for example “Spoke to the designated "
        "teacher: suspension upheld, work being sent home”.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _whose(request: HttpRequest) -> str:
    """Virtual School staff can switch between their own children and every child; a
    caseworker starts with their own. A social worker only ever sees their own."""
    if request.user.role not in (Role.HEAD, Role.CASEWORKER):
        return EVERYONE  # within children_visible_to: a social worker's own children
    default = MINE if request.user.role == Role.CASEWORKER else EVERYONE
    chosen = request.GET.get("children", default)
    return chosen if chosen in (MINE, EVERYONE) else default


def _alerts(request: HttpRequest, filters: AlertFilterForm, whose: str) -> QuerySet[Alert]:
    today = timezone.localdate()
    if whose == MINE:
        alerts = alerts_about_my_children(request.user, today)
    else:
        alerts = Alert.objects.filter(child__in=children_visible_to(request.user, today))
    if kind := filters.value("kind"):
        alerts = alerts.filter(kind=kind)
    status = filters.value("status")
    if status == NEW:
        alerts = alerts.filter(acknowledged_at__isnull=True)
    elif status == ACKNOWLEDGED:
        alerts = alerts.filter(acknowledged_at__isnull=False)
    return alerts.select_related("child", "acknowledged_by").order_by("-raised_at", "-pk")


@login_required
@views_alerts
def alert_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("status", NEW)  # opens on the alerts still to act on; "Any" is ""
    filters = AlertFilterForm(data)
    whose = _whose(request)
    page = Paginator(_alerts(request, filters, whose), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outcomes/alerts/list.html",
        {
            "form": filters,
            "page_obj": page,
            "whose": whose,
            "can_switch": request.user.role in (Role.HEAD, Role.CASEWORKER),
            "filtered": bool(filters.value("kind") or filters.value("status") != NEW),
        },
    )


@login_required
@views_alerts
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Alert.objects.filter(child__in=children_visible_to(request.user))
    alert = get_object_or_404(visible.select_related("child", "acknowledged_by"), pk=pk)
    form = AcknowledgeForm(request.POST if request.method == "POST" else None)
    if alert.acknowledged_at is None and request.method == "POST" and form.is_valid():
        if acknowledge(alert=alert, acting_user=request.user, note=form.cleaned_data["note"]):
            messages.success(request, f"Alert about {alert.child.display_name} acknowledged")
        else:
            messages.info(request, "Someone else acknowledged this alert first")
        return redirect("outcomes:alert_list")
    return render(request, "outcomes/alerts/acknowledge.html", {"alert": alert, "form": form})
