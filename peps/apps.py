from django.apps import AppConfig


class PepsConfig(AppConfig):
    name = "peps"
    verbose_name = "Personal Education Plans and Pupil Premium Plus"

    def ready(self) -> None:
        from pupils.record_tabs import register_tab

        # Governors and administrators never see PEPs (peps.access); the others see the PEPs
        # of the children whose record they can open.
        register_tab("PEPs", "peps:child_peps", permission="peps.view_peps", order=40)
