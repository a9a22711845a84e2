"""System checks: a wrong ``HTTPSEAL`` setting shows at startup, not as 401s."""

from django.core.checks import Error, register

from httpseal.django.conf import problems


@register()
def check_settings(app_configs, **kwargs):
    return [Error(message, id="httpseal.E001") for message in problems()]
