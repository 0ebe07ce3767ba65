from django.apps import AppConfig


class WorkplanConfig(AppConfig):
    name = "workplan"

    def ready(self):
        from workplan import signals  # noqa: F401
