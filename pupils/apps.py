from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "pupils"
    verbose_name = "Children and schools"

    def ready(self) -> None:
        from pupils.record_tabs import register_tab

        register_tab("Summary", "pupils:child_detail", order=10)
        register_tab("Care", "pupils:child_care", order=20)
        register_tab("Education", "pupils:child_education", order=30)
        register_tab(
            "History", "pupils:child_history", permission="pupils.view_child_history", order=100
        )
