"""GOV.UK forms for Pupil Premium Plus: grant years, ledger entries, requests and decisions.

Forms only collect and tidy what the user typed; the money rules (who decides, reasons, the
overspend rule) are the services' (peps.services.ppplus), whose errors `add_service_error`
puts back on the questions to correct.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from peps.models import EefApproach, GrantYear, LedgerCategory, PepTarget, PpRequest
from peps.services.ppplus import pounds
from pupils.models import Child, School
from vschool.forms import GovukForm


def _short_input(width: int, *, mode: str = "decimal") -> forms.TextInput:
    """A box sized to what it holds (GOV.UK fixed widths), with the right phone keyboard."""
    return forms.TextInput(
        attrs={"class": f"govuk-input--width-{width}", "inputmode": mode, "spellcheck": "false"}
    )


class MoneyField(forms.Field):
    """An amount in pounds and pence. "£1,250.50" and "1250.5" are both understood."""

    def __init__(self, *, name: str, **kwargs):
        kwargs.setdefault("widget", _short_input(10))
        super().__init__(**kwargs)
        self.money_name = name
        self.error_messages["required"] = f"Enter {name}, for example 600"

    def to_python(self, value) -> Decimal | None:
        text = (value or "").strip().replace("£", "").replace(",", "")
        if not text:
            return None
        invalid = ValidationError(
            f"{self.money_name.capitalize()} must be an amount in pounds, like 600 or 250.50"
        )
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise invalid from None
        if not amount.is_finite():
            raise invalid
        if amount.as_tuple().exponent < -2:
            raise ValidationError(
                f"{self.money_name.capitalize()} must not include fractions of a penny"
            )
        return amount.quantize(Decimal("0.01"))


# --- Grant years ------------------------------------------------------------------------------


class GrantYearForm(GovukForm):
    submit_label = "Add grant year"

    start_year = forms.IntegerField(
        label="Which year does the grant year start in?",
        help_text="Grant years run from April to March. For example, 2025 for April 2025 to "
        "March 2026.",
        widget=_short_input(4, mode="numeric"),
        error_messages={
            "required": "Enter the year the grant year starts in, for example 2025",
            "invalid": "The year must be a number, like 2025",
        },
    )
    grant_received = MoneyField(
        label="Grant received (£)",
        name="the grant received",
        help_text="The Pupil Premium Plus the council received for the year, in pounds.",
    )
    rate_per_child = MoneyField(
        label="Rate per child (£)",
        name="the rate per child",
        help_text="The Department for Education's rate for the year, for example 2630.",
    )
    termly_allocation = MoneyField(
        label="Termly allocation per child (£)",
        name="the termly allocation",
        initial=Decimal("600.00"),
        help_text="Paid to a child's school when their termly PEP is approved. Enter 0 if the "
        "policy has no automatic allocation.",
    )


# --- Ledger entries ---------------------------------------------------------------------------


class GrantYearChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, year: GrantYear) -> str:
        return f"{year} (April {year.start_year} to March {year.start_year + 1})"


class LedgerEntryForm(GovukForm):
    """`children` and `schools`: those the user may choose from (their access rules);
    `can_override`: the Head, who alone may authorise an overspend."""

    submit_label = "Add to the ledger"

    grant_year = GrantYearChoiceField(
        label="Grant year",
        queryset=GrantYear.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the grant year"},
    )
    category = forms.ChoiceField(
        label="What is the money for?",
        choices=LedgerCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the money is for"},
    )
    amount = MoneyField(label="Amount (£)", name="the amount")
    description = forms.CharField(
        label="Description",
        max_length=200,
        help_text="What was bought or paid for. Do not include a child's name: the finance "
        "team sees this.",
        error_messages={
            "required": "Enter a description of the spending",
            "max_length": "The description must be 200 characters or fewer",
        },
    )
    child = forms.CharField(
        label="Child's LA ID (optional)",
        required=False,
        max_length=20,
        help_text="For direct support to one child.",
        widget=_short_input(10, mode="text"),
    )
    school = forms.CharField(
        label="School's URN (optional)",
        required=False,
        max_length=6,
        help_text="Needed for money allocated to a school, like 110123.",
        widget=_short_input(10, mode="numeric"),
    )

    def __init__(
        self,
        *args,
        children: QuerySet[Child],
        schools: QuerySet[School],
        can_override: bool,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.children = children
        self.schools = schools
        self.fields["grant_year"].queryset = GrantYear.objects.order_by("-start_year")
        if can_override:
            self.fields["override"] = forms.BooleanField(
                label="Authorise an overspend",
                required=False,
                help_text="Only if this entry takes the year over the grant received and you "
                "agree to that.",
            )

    def clean_child(self) -> Child | None:
        la_id = self.cleaned_data["child"].strip()
        if not la_id:
            return None
        child = self.children.filter(la_child_id=la_id).first()
        if child is None:
            raise ValidationError(f"There is no child with LA ID {la_id}. Check the ID")
        return child

    def clean_school(self) -> School | None:
        urn = self.cleaned_data["school"].strip()
        if not urn:
            return None
        school = self.schools.filter(urn=urn).first()
        if school is None:
            raise ValidationError(f"There is no school with URN {urn}. Check the number")
        return school


# --- Additional requests ----------------------------------------------------------------------


class TargetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, target: PepTarget) -> str:
        return f"{target.area}: {target.target}"


class RequestForm(GovukForm):
    """A request for additional PP+, for one of `targets` (the PEP's own)."""

    submit_label = "Send request"

    target = TargetChoiceField(
        label="Which target is the money for?",
        queryset=PepTarget.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the target the money is for"},
    )
    amount = MoneyField(
        label="Amount (£)",
        name="the amount",
        help_text="On top of the termly allocation the school receives when the PEP is approved.",
    )
    purpose = forms.CharField(
        label="What will the money pay for?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, 12 one-to-one tutoring sessions in maths with a qualified teacher.",
        error_messages={"required": "Enter what the money will pay for"},
    )
    eef_approach = forms.ChoiceField(
        label="Which EEF approach does it use?",
        choices=EefApproach.choices,
        widget=forms.RadioSelect,
        help_text="The Education Endowment Foundation's three tiers of spending.",
        error_messages={"required": "Choose the EEF approach the spending uses"},
    )

    def __init__(self, *args, targets: QuerySet[PepTarget], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


DECISIONS = [
    ("approved", "Approve"),
    ("part_approved", "Part approve"),
    ("declined", "Decline"),
]


class DecisionForm(GovukForm):
    submit_label = "Save decision"

    decision = forms.ChoiceField(
        label="Your decision",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve, part approve or decline"},
    )
    amount_approved = MoneyField(
        label="Amount approved (£), if you part approve",
        name="the amount approved",
        required=False,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed to part approve or decline. The designated teacher will see it.",
    )
    override = forms.BooleanField(
        label="Authorise an overspend",
        required=False,
        help_text="Only if paying this takes the grant year over the grant received and you "
        "agree to that.",
    )

    def __init__(self, *args, pp_request: PpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            ("approved", f"Approve {pounds(pp_request.amount)}"),
            *DECISIONS[1:],
        ]

    def clean(self):
        data = super().clean()
        # An amount typed before switching to approve or decline is not part of the decision.
        if data.get("decision") != "part_approved":
            data["amount_approved"] = None
        return data
