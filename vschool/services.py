"""Shared by every app's services."""

from django.core.exceptions import ValidationError


class Errors:
    """Collects every problem with a change, so the user sees them all at once, each on the
    field they have to correct."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)
