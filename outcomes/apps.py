from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Attendance, exclusions and outcomes"

    def ready(self) -> None:
        from pupils.record_tabs import register_tab

        # Whoever may open the child's record may see their attendance (pupils.access).
        register_tab("Attendance", "outcomes:child_attendance", order=50)
