"""The shared base for every form in the service, rendered by crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit


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
