from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Pieces every app may use: versioning, the audit log, downloads, SQL expressions,
    pagination and the site's generic template tags. It imports no other app of ours."""

    name = "core"
