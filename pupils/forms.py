"""GOV.UK forms for changes to a child's record and to schools.

Forms only collect and tidy what the user typed; the rules (overlaps, what a change ends) are
the services' (pupils.services), whose errors `GovukForm.add_service_error` puts back on the
fields the user has to correct.
"""

from django import forms
from django.core.exceptions import ValidationError

from pupils.codes import (
    Ethnicity,
    LegalStatus,
    PlacementProvider,
    PlacementType,
    ReasonPlacementChange,
    SenNeed,
    SenProvision,
)
from pupils.identifiers import normalise_upn, postcode_district, upn_problem
from pupils.models import AllocationRole, Cohort, EnrolmentKind, Phase, PlacRoute, School
from vschool.accounts.models import Role, User
from vschool.dates import year_group_label
from vschool.forms import DATE_EXAMPLE, GovukDateField, GovukForm  # noqa: F401

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes(value: str) -> bool:
    return value == "yes"


def _coded(choices) -> list[tuple[str, str]]:
    """Code lists for staff who know the SSDA903 codes as well as the words."""
    return [(code, f"{label} ({code})") for code, label in choices]


def _select(blank: str, choices) -> list[tuple[str, str]]:
    return [("", blank), *choices]


def _code_input(width: int, *, numeric: bool = False) -> forms.TextInput:
    """A short box for a code or number, sized to what it holds (GOV.UK fixed widths)."""
    attrs = {"class": f"govuk-input--width-{width}", "spellcheck": "false"}
    if numeric:
        attrs["inputmode"] = "numeric"
    return forms.TextInput(attrs=attrs)


# --- A child's details ------------------------------------------------------------------------

YEAR_GROUP_ADJUSTMENTS = [
    (-2, "Two years below their age group"),
    (-1, "One year below their age group"),
    (0, "Their own age group"),
    (1, "One year above their age group"),
    (2, "Two years above their age group"),
]


class ChildForm(GovukForm):
    submit_label = "Save details"

    legal_first_name = forms.CharField(
        label="First name",
        max_length=100,
        help_text="Their legal first name.",
        error_messages={"required": "Enter the child's first name"},
    )
    legal_last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the child's last name"},
    )
    preferred_name = forms.CharField(
        label="Preferred name (optional)",
        max_length=100,
        required=False,
        help_text="The first name the child likes to be called, if it is not their legal one.",
    )
    date_of_birth = GovukDateField(
        label="Date of birth", name="the child's date of birth", example="15 1 2012"
    )
    sex = forms.ChoiceField(
        label="Sex (optional)",
        choices=[("2", "Female"), ("1", "Male")],
        widget=forms.RadioSelect,
        required=False,
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity (optional)",
        choices=_select("Not recorded", Ethnicity.choices),
        required=False,
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN) (optional)",
        max_length=20,
        required=False,
        help_text="13 characters, like A123456789012. A temporary UPN ends in a letter. Leave "
        "this blank if the child does not have one yet.",
        widget=_code_input(20),
    )
    uln = forms.CharField(
        label="Unique learner number (ULN) (optional)",
        max_length=10,
        required=False,
        help_text="10 digits. Young people usually have one from age 14.",
        widget=_code_input(10, numeric=True),
    )
    home_la_code = forms.CharField(
        label="Responsible local authority (optional)",
        max_length=3,
        required=False,
        help_text="Leave this blank if this council looks after the child. Otherwise enter the "
        "3-digit code of the authority that does, like 874.",
        widget=_code_input(3, numeric=True),
    )
    year_group_adjustment = forms.TypedChoiceField(
        label="Which year group is the child taught in?",
        choices=YEAR_GROUP_ADJUSTMENTS,
        coerce=int,
        initial=0,
        widget=forms.RadioSelect,
        help_text="Most children are taught with their own age group.",
        error_messages={"required": "Select the year group the child is taught in"},
    )

    def clean_upn(self) -> str:
        """Checked here too (the service is the authority) so that a mistyped UPN shows with
        the form's other errors, not after them."""
        upn = normalise_upn(self.cleaned_data["upn"])
        problem = upn_problem(upn) if upn else None
        if problem:
            raise ValidationError(problem)
        return upn


class ChildAddForm(ChildForm):
    submit_label = "Add child"

    la_child_id = forms.CharField(
        label="LA child ID",
        max_length=20,
        help_text="The child's ID in the council's social-care system.",
        error_messages={"required": "Enter the child's ID from the social-care system"},
        widget=_code_input(20),
    )
    cohort = forms.ChoiceField(
        label="Why does the Virtual School work with this child?",
        choices=Cohort.choices,
        widget=forms.RadioSelect,
        help_text="A child in care normally arrives with the social-care extract. Add them here "
        "only to start work before it does.",
        error_messages={"required": "Select why the Virtual School works with this child"},
    )
    plac_route = forms.ChoiceField(
        label="If previously looked after, how did they leave care?",
        choices=PlacRoute.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    cohort_start = GovukDateField(
        label="Since when?",
        name="the date the Virtual School's duty began",
        help_text="For example, the date they came into care or were adopted: 27 3 2025.",
    )

    field_order = ["la_child_id", *ChildForm.base_fields]


# --- Who is responsible -----------------------------------------------------------------------


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{user.full_name} ({user.get_role_display()})"


class AllocationForm(GovukForm):
    submit_label = "Save"

    role = forms.ChoiceField(
        label="Which role is changing?",
        choices=AllocationRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the caseworker or social worker is changing"},
    )
    user = UserChoiceField(
        label="Who is taking over?",
        queryset=User.objects.filter(
            is_active=True, role__in=[Role.CASEWORKER, Role.HEAD, Role.SOCIAL_WORKER]
        ).order_by("full_name"),
        empty_label="Select a person",
        error_messages={"required": "Select who is taking over"},
    )
    start_date = GovukDateField(
        label="From when?", name="the date they take over", help_text="For example, 27 3 2025."
    )


# --- School places ----------------------------------------------------------------------------

YEAR_GROUPS = [("", "Their own year group")] + [
    (str(year), year_group_label(year)) for year in range(-1, 14)
]


class SchoolByUrnField(forms.CharField):
    """A school chosen by its URN: there are tens of thousands, too many for a list."""

    def clean(self, value) -> School | None:
        urn = super().clean(value).strip()
        if not urn:
            return None
        school = School.objects.filter(urn=urn).first()
        if school is None:
            raise ValidationError(
                f"There is no school with URN {urn}. Check the number, or add the school first"
            )
        return school


class EnrolmentAddForm(GovukForm):
    submit_label = "Add enrolment"

    school = SchoolByUrnField(
        label="School's URN",
        max_length=6,
        help_text="The 6-digit unique reference number, as shown on Get Information about "
        "Schools, like 110123.",
        error_messages={"required": "Enter the school's URN, like 110123"},
        widget=_code_input(10, numeric=True),
    )
    kind = forms.ChoiceField(
        label="Type of registration",
        choices=EnrolmentKind.choices,
        widget=forms.RadioSelect,
        help_text="Choose subsidiary when the child is also registered at a pupil referral "
        "unit or another school while keeping this place.",
        error_messages={"required": "Select the type of registration"},
    )
    start_date = GovukDateField(label="First day on roll", name="the child's first day on roll")
    year_group = forms.TypedChoiceField(
        label="Year group they joined",
        choices=YEAR_GROUPS,
        coerce=int,
        empty_value=None,
        required=False,
    )
    is_phase_transfer = forms.TypedChoiceField(
        label="Is this the usual move between phases?",
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        help_text="For example, from primary to secondary school at the end of Year 6. Answer "
        "no for a move in the middle of a phase.",
        error_messages={"required": "Select yes if this is the usual move between phases"},
    )


class EnrolmentEndForm(GovukForm):
    submit_label = "End enrolment"

    end_date = GovukDateField(
        label="Last day on the school's roll", name="the child's last day on roll"
    )


# --- Placement --------------------------------------------------------------------------------


class PlacementChangeForm(GovukForm):
    submit_label = "Save placement change"

    start_date = GovukDateField(
        label="Date the new placement started", name="the date the placement started"
    )
    same_carers = forms.TypedChoiceField(
        label="Is the child staying with the same carers?",
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        help_text="Answer yes if the carers are the same and only the placement changed, for "
        "example foster carers who moved house.",
        error_messages={"required": "Select yes if the child is staying with the same carers"},
    )
    placement_type = forms.ChoiceField(
        label="Placement type",
        choices=_select("Select a placement type", _coded(PlacementType.choices)),
        error_messages={"required": "Select the placement type"},
    )
    placement_provider = forms.ChoiceField(
        label="Who provides the placement?",
        choices=_coded(PlacementProvider.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Select who provides the placement"},
    )
    reason_placement_change = forms.ChoiceField(
        label="Why did the placement change?",
        choices=_select("Select a reason", _coded(ReasonPlacementChange.choices)),
        required=False,
        help_text="Leave this blank for a move into or out of a temporary placement, such as "
        "a holiday or a stay in hospital.",
    )
    placement_postcode_district = forms.CharField(
        label="Placement postcode (optional)",
        max_length=8,
        required=False,
        help_text="Only the first part, like PE1, is kept: never the address.",
        widget=_code_input(10),
    )
    placement_la_code = forms.CharField(
        label="Local authority the placement is in (optional)",
        max_length=3,
        required=False,
        help_text="Its 3-digit code, like 874.",
        widget=_code_input(3, numeric=True),
    )
    legal_status = forms.ChoiceField(
        label="Legal status from that date",
        choices=_select("No change", _coded(LegalStatus.choices)),
        required=False,
        help_text="Change this only if the legal status changed on the same day.",
    )

    def clean_placement_postcode_district(self) -> str:
        value = self.cleaned_data["placement_postcode_district"]
        return postcode_district(value) if value.strip() else ""


# --- Special educational needs ----------------------------------------------------------------


class SenChangeForm(GovukForm):
    submit_label = "Save SEN change"

    start_date = GovukDateField(label="From when?", name="the date this SEN provision started")
    provision = forms.ChoiceField(
        label="SEN provision",
        choices=SenProvision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child's SEN provision"},
    )
    primary_need = forms.ChoiceField(
        label="Primary type of need",
        choices=_select("None", SenNeed.choices),
        required=False,
        help_text="Leave this as none if the child has no special educational needs.",
    )
    secondary_need = forms.ChoiceField(
        label="Secondary type of need (optional)",
        choices=_select("None", SenNeed.choices),
        required=False,
    )
    ehcp_issuing_la_code = forms.CharField(
        label="Local authority that issued the EHC plan (optional)",
        max_length=3,
        required=False,
        help_text="Its 3-digit code, like 874. Only for a child with an EHC plan.",
        widget=_code_input(3, numeric=True),
    )


# --- Schools ----------------------------------------------------------------------------------


class SchoolForm(GovukForm):
    submit_label = "Save school"

    urn = forms.CharField(
        label="URN",
        max_length=6,
        help_text="The 6-digit unique reference number from Get Information about Schools.",
        error_messages={"required": "Enter the school's URN, like 110123"},
        widget=_code_input(10, numeric=True),
    )
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the school's name"}
    )
    phase = forms.ChoiceField(
        label="Phase",
        choices=_select("Select a phase", Phase.choices),
        error_messages={"required": "Select the school's phase"},
    )
    type_name = forms.CharField(
        label="Type of establishment (optional)",
        max_length=100,
        required=False,
        help_text="As Get Information about Schools gives it, like Academy converter.",
    )
    la_code = forms.CharField(
        label="Local authority code",
        max_length=3,
        help_text="3 digits, like 874.",
        error_messages={"required": "Enter the 3-digit code of the school's local authority"},
        widget=_code_input(3, numeric=True),
    )
    la_name = forms.CharField(label="Local authority (optional)", max_length=100, required=False)
    establishment_number = forms.CharField(
        label="Establishment number (optional)",
        max_length=4,
        required=False,
        help_text="4 digits: with the authority's code it makes the school's DfE number.",
        widget=_code_input(4, numeric=True),
    )
    postcode = forms.CharField(
        label="Postcode (optional)", max_length=8, required=False, widget=_code_input(10)
    )
    is_open = forms.TypedChoiceField(
        label="Is the school open?",
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the school is open"},
    )
