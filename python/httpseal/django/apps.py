from django.apps import AppConfig


class HttpsealConfig(AppConfig):
    name = "httpseal.django"
    label = "httpseal"
    verbose_name = "httpseal"
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from httpseal.django import checks, signals  # noqa: F401  (registers them)
        from httpseal.django.models import CurrentHMACKey

        signals.connect_engine()
        # django-rest-framework-hmac's ``user.hmac_key``, unless the user
        # model defines its own.
        user_model = get_user_model()
        if not hasattr(user_model, "hmac_key"):
            user_model.hmac_key = CurrentHMACKey()
