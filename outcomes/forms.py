"""GOV.UK forms for attendance and suspensions. Forms collect and tidy what the user typed; the
rules are the services' (outcomes.services), whose errors come back onto these fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from outcomes.codes import ExclusionReason, exclusion_reasons
from outcomes.models import ExclusionOutcome, ExclusionType
from pupils.models import School
from vschool.forms import GovukDateField, GovukForm

NOT_KNOWN = "not_known"
AP_ANSWERS = {"yes": True, "no": False, NOT_KNOWN: None}


def _reason_label(reason: ExclusionReason) -> str:
    label = f"{reason.meaning} ({reason.code})"
    if reason.valid_to:
        return f"{label}, used until {reason.valid_to.day} {reason.valid_to:%B %Y}"
    if not reason.confirmed:
        return f"{label}, not yet confirmed by the DfE"
    return label


def reason_choices() -> list:
    """Every DfE reason, grouped: the confirmed list, the newer codes the DfE has not yet
    confirmed, and codes no longer in use (kept for older suspensions). The service checks
    that a reason was in use on the first day."""
    reasons = exclusion_reasons().values()
    groups = [
        ("Reasons in the DfE's list", [r for r in reasons if r.confirmed and not r.valid_to]),
        ("Newer reasons not yet confirmed by the DfE", [r for r in reasons if not r.confirmed]),
        ("Reasons no longer in use", [r for r in reasons if r.valid_to]),
    ]
    return [("", "Select a reason")] + [
        (group, [(r.code, _reason_label(r)) for r in members]) for group, members in groups
    ]


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, school: School) -> str:
        return f"{school.name} (URN {school.urn})"


class SuspensionForm(GovukForm):
    submit_label = "Record suspension"

    kind = forms.ChoiceField(
        label="Type",
        choices=[
            (ExclusionType.SUSPENSION, "Suspension"),
            (ExclusionType.LUNCHTIME, "Lunchtime suspension"),
            (ExclusionType.PERMANENT, "Permanent exclusion"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of suspension or exclusion"},
    )
    school = SchoolChoiceField(
        label="School",
        queryset=School.objects.none(),
        empty_label=None,
        help_text="The schools the child has been on the roll of.",
        error_messages={"required": "Select the school that suspended the child"},
    )
    start_date = GovukDateField(label="First day", name="the first day", example="3 11 2025")
    end_date = GovukDateField(label="Last day", name="the last day", example="4 11 2025")
    sessions_lost = forms.IntegerField(
        label="Sessions lost",
        help_text="Two sessions for each school day (morning and afternoon). A lunchtime "
        "suspension is 1 session a day.",
        min_value=1,
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-3", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={
            "required": "Enter the number of sessions lost",
            "invalid": "Sessions lost must be a whole number, like 4",
            "min_value": "Sessions lost must be 1 or more",
        },
    )
    reason_1 = forms.ChoiceField(
        label="Reason",
        choices=reason_choices,
        error_messages={"required": "Select the reason for the suspension"},
    )
    reason_2 = forms.ChoiceField(
        label="Second reason (optional)", choices=reason_choices, required=False
    )
    reason_3 = forms.ChoiceField(
        label="Third reason (optional)", choices=reason_choices, required=False
    )
    alternative_provision_from_day_six = forms.ChoiceField(
        label="Was full-time education arranged from the sixth school day?",
        choices=[("yes", "Yes"), ("no", "No"), (NOT_KNOWN, "Not known")],
        widget=forms.RadioSelect,
        required=False,
        help_text="The school (or, after a permanent exclusion, the council) must arrange it "
        "for a suspension or exclusion of more than 5 school days.",
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ExclusionOutcome.choices,
        initial=ExclusionOutcome.UPHELD,
        widget=forms.RadioSelect,
        help_text="Choose upheld unless the head withdrew it or a review overturned it.",
        error_messages={"required": "Select the outcome"},
    )
    comments = forms.CharField(
        label="Comments (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, schools: QuerySet[School], main_school: School | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        if main_school is not None:
            self.fields["school"].initial = main_school.pk

    def clean(self) -> dict:
        data = super().clean()
        reasons = [data.get(f"reason_{n}") for n in (1, 2, 3)]
        data["reasons"] = [code for code in reasons if code]
        data["alternative_provision_from_day_six"] = AP_ANSWERS.get(
            data.get("alternative_provision_from_day_six") or NOT_KNOWN
        )
        return data

    def service_arguments(self) -> dict:
        """What suspension_record takes, from the cleaned data."""
        names = ["kind", "school", "start_date", "end_date", "sessions_lost", "reasons"]
        names += ["alternative_provision_from_day_six", "outcome", "comments"]
        return {name: self.cleaned_data[name] for name in names}

    def add_service_error(self, error: ValidationError) -> None:
        """The service speaks of `reasons`; the user corrects them in the first select."""
        if hasattr(error, "error_dict") and "reasons" in error.error_dict:
            error.error_dict["reason_1"] = error.error_dict.pop("reasons")
        super().add_service_error(error)
