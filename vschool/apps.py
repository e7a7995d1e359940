from django.apps import AppConfig


class VschoolConfig(AppConfig):
    name = "vschool"
    verbose_name = "Virtual School"
