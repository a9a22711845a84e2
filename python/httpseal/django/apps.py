from django.apps import AppConfig


class HttpsealConfig(AppConfig):
    name = "httpseal.django"
    label = "httpseal"
    verbose_name = "httpseal"
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        from httpseal.django import checks, signals  # noqa: F401  (registers them)

        signals.connect_engine()
