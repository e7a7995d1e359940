"""Forms for the Welfare Call import pages and for saving a supplier's layout in the admin.

The upload form only checks what the person chose; whether the file can be read is the
import's business: a file it cannot read is recorded as failed, with the reason, so the person
sees why on the import's page and the attempt stays in the history.
"""

from datetime import date, datetime

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.template.defaultfilters import filesizeformat

from outcomes.feeds.layout import DEFAULT_COLUMNS, SESSION_FIELDS
from outcomes.models import FeedKind, FeedLayout, FeedMapping
from pupils.identifiers import normalise_upn
from pupils.imports.common import long_date
from pupils.models import Child
from vschool.forms import GovukFormMixin

MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # a year's file for a large authority is about 40 MB
DEFAULT_LAYOUT_LABEL = "Default Welfare Call layout"
SEARCH_RESULTS = 20


class FeedUploadForm(GovukFormMixin, forms.Form):
    submit_label = "Check the file"

    kind = forms.ChoiceField(
        label="What is in the file?",
        choices=FeedKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what is in the file"},
    )
    mapping = forms.ModelChoiceField(
        label="Layout of the file",
        queryset=FeedMapping.objects.order_by("name"),
        required=False,
        empty_label=DEFAULT_LAYOUT_LABEL,
        help_text="Choose a saved layout only if the file's columns differ from Welfare Call's "
        "usual ones.",
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file, as Welfare Call sends it.",
        allow_empty_file=True,  # an empty file is recorded as failed, saying it is empty
        error_messages={
            "required": "Select the file",
            "invalid": "Select the file",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.select("mapping"),
            Field("file"),
        )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD_BYTES:
            limit = filesizeformat(MAX_UPLOAD_BYTES)
            raise ValidationError(f"The selected file must be smaller than {limit}")
        return uploaded

    def clean(self):
        cleaned = super().clean()
        mapping, kind = cleaned.get("mapping"), cleaned.get("kind")
        if mapping and kind and mapping.kind != kind:
            self.add_error(
                "mapping",
                f"The layout ‘{mapping.name}’ is for {mapping.get_kind_display().lower()} "
                f"files: choose a layout for {FeedKind(kind).label.lower()} files",
            )
        return cleaned

    @property
    def content(self) -> bytes:
        uploaded = self.cleaned_data["file"]
        uploaded.seek(0)
        return uploaded.read()


# --- Resolving held rows -----------------------------------------------------------------------


def children_matching(children: QuerySet[Child], text: str) -> QuerySet[Child]:
    """A UPN or LA child ID matches exactly; otherwise every word must begin a name."""
    text = text.strip()
    if not text:
        return children.none()
    exact = Q(upn=normalise_upn(text)) | Q(la_child_id__iexact=text)
    words = Q()
    for word in text.split():
        words &= (
            Q(legal_first_name__istartswith=word)
            | Q(legal_last_name__istartswith=word)
            | Q(preferred_name__istartswith=word)
        )
    return children.filter(exact | words)


class _ChildChoice(forms.ModelChoiceField):
    def label_from_instance(self, child: Child) -> str:
        parts = [child.display_name, f"born {long_date(child.date_of_birth)}"]
        parts.append(f"LA child ID {child.la_child_id}")
        if child.upn:
            parts.append(f"UPN {child.upn}")
        return ", ".join(parts)


class HeldRowLinkForm(GovukFormMixin, forms.Form):
    """Pick one of the children a search found. `children` is the search result, already cut
    down to the children the user may see."""

    submit_label = "Link and apply the rows"

    q = forms.CharField(widget=forms.HiddenInput, required=False)
    child = _ChildChoice(
        label="Which child are these rows for?",
        queryset=Child.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the child these rows are for",
            "invalid_choice": "Select one of the children found",
        },
    )

    def __init__(self, *args, children: QuerySet[Child], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.helper.layout = Layout(Field("q"), Field.radios("child", legend_size=Size.MEDIUM))


class HeldRowDismissForm(GovukFormMixin, forms.Form):
    submit_label = "Dismiss the rows"

    note = forms.CharField(
        label="Why are you dismissing these rows?",
        help_text="For example, the child is not in our care, or the rows were sent in error.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Enter why you are dismissing these rows"},
    )


# --- Saved layouts (admin) ---------------------------------------------------------------------


def layout_field_names(kind: str, layout: str) -> list[str]:
    """Our field names a saved layout may give a column heading for."""
    names = list(DEFAULT_COLUMNS[kind])
    if layout == FeedLayout.SESSION_ROWS:
        names = [name for name in names if name not in ("am", "pm")] + list(SESSION_FIELDS)
    return names


def _field_help() -> str:
    lines = []
    for kind in FeedKind:
        fields = ", ".join(f"{name} ({heading})" for name, heading in DEFAULT_COLUMNS[kind].items())
        lines.append(f"{kind.label}: {fields}.")
    sessions = ", ".join(f"{name} ({heading})" for name, heading in SESSION_FIELDS.items())
    lines.append(f"One row per session: {sessions}, instead of am and pm.")
    return (
        "A JSON object of our field name → the column heading in the file, for example "
        '{"la_child_id": "Child Ref", "date": "Session Date"}. Fields left out keep the default '
        "heading, shown in brackets. " + " ".join(lines)
    )


class FeedMappingForm(forms.ModelForm):
    """An admin saves a supplier's layout without code: only our field names are accepted,
    each with a heading, and the date format must read a date back."""

    class Meta:
        model = FeedMapping
        fields = ["name", "kind", "layout", "columns", "date_format", "delimiter"]
        help_texts = {
            "date_format": "As Python writes it: %d/%m/%Y for 03/11/2025, %Y-%m-%d for 2025-11-03.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["columns"].help_text = _field_help()

    def clean_date_format(self) -> str:
        written = self.cleaned_data["date_format"]
        sample = date(2025, 11, 3)
        try:
            read_back = datetime.strptime(sample.strftime(written), written).date()
        except ValueError:
            read_back = None
        if read_back != sample:
            raise ValidationError(
                "Enter a date format with the day, month and year, such as %d/%m/%Y"
            )
        return written

    def clean(self):
        cleaned = super().clean()
        columns, kind = cleaned.get("columns"), cleaned.get("kind")
        if columns is None or not kind:
            return cleaned
        if not isinstance(columns, dict):
            self.add_error("columns", 'Enter the columns as a JSON object, such as {"date": "Day"}')
            return cleaned
        known = layout_field_names(kind, cleaned.get("layout") or FeedLayout.DAY_ROWS)
        problems = [
            f"‘{name}’ is not one of our field names for this layout"
            for name in columns
            if name not in known
        ]
        problems += [
            f"Enter the column heading for ‘{name}’"
            for name, heading in columns.items()
            if not isinstance(heading, str) or not heading.strip()
        ]
        headings = [h.strip() for h in columns.values() if isinstance(h, str) and h.strip()]
        if len(set(headings)) < len(headings):
            problems.append("Each field needs its own column heading")
        for problem in problems:
            self.add_error("columns", problem)
        if not problems:
            cleaned["columns"] = {name: heading.strip() for name, heading in columns.items()}
        return cleaned
