"""Upload forms. Each file is read as it is uploaded, so a wrong file (not a CSV, empty, or
missing a column) is refused on the form with the reason, and nothing is stored."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from pupils.imports import UnreadableFile, file_specs, import_read_file
from pupils.models import ImportKind
from vschool.forms import GovukFormMixin

MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # a full GIAS download is about 60 MB


class _UploadForm(GovukFormMixin, forms.Form):
    submit_label = "Check the files"
    kind: str

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.uploads: dict[str, tuple[str, bytes]] = {}

    def _read(self, role: str) -> object:
        uploaded = self.cleaned_data[role]
        if uploaded.size > MAX_UPLOAD_BYTES:
            limit = filesizeformat(MAX_UPLOAD_BYTES)
            raise ValidationError(f"The selected file must be smaller than {limit}")
        content = uploaded.read()
        try:
            import_read_file(kind=self.kind, role=role, name=uploaded.name, content=content)
        except UnreadableFile as error:
            raise ValidationError(str(error)) from error
        self.uploads[role] = (uploaded.name, content)
        return uploaded


def _file_field(kind: str, role: str, what: str, hint: str) -> forms.FileField:
    spec = next(spec for spec in file_specs(kind) if spec.role == role)
    return forms.FileField(
        label=spec.label,
        help_text=hint,
        error_messages={
            "required": f"Select the {what}",
            "empty": "The selected file is empty",
            "invalid": f"Select the {what}",
        },
    )


class Ssda903UploadForm(_UploadForm):
    kind = ImportKind.SSDA903

    header = _file_field(
        ImportKind.SSDA903,
        "header",
        "header file",
        "One row per child, with the columns CHILD, SEX, DOB, ETHNIC and UPN.",
    )
    episodes = _file_field(
        ImportKind.SSDA903,
        "episodes",
        "episodes file",
        "One row per episode of care, with the columns CHILD, DECOM, RNE, LS, CIN, PLACE, "
        "PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE and PL_POST.",
    )

    def clean_header(self):
        return self._read("header")

    def clean_episodes(self):
        return self._read("episodes")


class GiasUploadForm(_UploadForm):
    kind = ImportKind.GIAS
    submit_label = "Check the file"

    establishments = _file_field(
        ImportKind.GIAS,
        "establishments",
        "establishment file",
        "A CSV downloaded from Get Information about Schools. Only the columns URN, LA (code), "
        "LA (name), EstablishmentNumber, EstablishmentName, TypeOfEstablishment (name), "
        "PhaseOfEducation (name), EstablishmentStatus (name) and Postcode are read.",
    )

    def clean_establishments(self):
        return self._read("establishments")
