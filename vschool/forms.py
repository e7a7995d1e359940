"""The shared base for every form in the service, rendered by crispy-forms-gds: GOV.UK error
summaries whose links go to the box to correct, date inputs with the Design System's wording,
and service errors put back on the fields they name."""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.text import capfirst

DATE_EXAMPLE = "27 3 2025"


class GovukFormMixin:
    """GOV.UK forms validate on the server and show an error summary; the browser's own
    validation pop-ups are switched off so they cannot pre-empt it."""

    submit_label = "Continue"
    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", self.submit_label))

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the fields it names; an error about the change
        as a whole goes on the form's first field, so it too is shown next to a question."""
        first = next(iter(self.fields))
        by_field = error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
        for name, errors in by_field.items():
            target = name if name in self.fields else first
            for item in errors:
                self.add_error(target, item)

    def _anchor(self, bound_field, message: str) -> str:
        """The id of the element an error summary link should move focus to."""
        field = bound_field.field
        if isinstance(field, GovukDateField):  # the day, month or year box
            return f"{bound_field.auto_id}_{field.part_for(message)}"
        if isinstance(field.widget, forms.RadioSelect):
            return f"{bound_field.auto_id}_1"  # crispy-forms-gds numbers radios from 1
        return bound_field.auto_id

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary: errors about the whole form first (they
        link to its first question), then each question's, in order."""
        first = self.visible_fields()[0].auto_id if self.visible_fields() else ""
        return [(first, message) for message in self.non_field_errors()] + [
            (self._anchor(bound_field, message), message)
            for bound_field in self.visible_fields()
            for message in bound_field.errors
        ]


class GovukDateField(DateInputField):
    """A GOV.UK date input (day, month and year boxes) whose errors follow the Design System
    wording: "Enter <the date>, for example 27 3 2025", "<The date> must include a month",
    "<The date> must be a real date", "Year must include 4 numbers".

    `name` is how an error message refers to the date, e.g. "the date the placement started".
    """

    def __init__(self, *, name: str, example: str = DATE_EXAMPLE, **kwargs):
        kwargs.setdefault("help_text", f"For example, {example}")
        super().__init__(require_all_fields=False, **kwargs)
        self.date_name = name
        real = RegexValidator(r"^\d{1,2}$", f"{capfirst(name)} must be a real date")
        for subfield, part in zip(self.fields, ("day", "month", "year"), strict=True):
            subfield.error_messages["incomplete"] = f"{capfirst(name)} must include a {part}"
            subfield.validators = [real]
        self.fields[2].validators = [RegexValidator(r"^\d{4}$", "Year must include 4 numbers")]
        self.error_messages["required"] = f"Enter {name}, for example {example}"
        self.error_messages["incomplete"] = self.error_messages["required"]

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except ValidationError:
            raise ValidationError(f"{capfirst(self.date_name)} must be a real date") from None

    def part_errors(self) -> list[list[str]]:
        """Errors crispy-forms-gds pinned on the day, month and year boxes."""
        return [getattr(subfield.widget, "errors", []) for subfield in self.fields]

    def part_for(self, message: str) -> int:
        """Which box (0 day, 1 month, 2 year) an error is about: the whole date's errors go
        to the day."""
        parts = self.part_errors()
        return next((index for index, errors in enumerate(parts) if message in errors), 0)


class GovukForm(GovukFormMixin, forms.Form):
    """A plain form of the service."""
