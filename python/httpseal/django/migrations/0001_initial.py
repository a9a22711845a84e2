import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import httpseal.django.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="HMACKey",
            fields=[
                (
                    "key",
                    models.CharField(
                        default=httpseal.django.models.generate_key,
                        max_length=40,
                        primary_key=True,
                        serialize=False,
                        verbose_name="Key",
                    ),
                ),
                (
                    "secret",
                    models.CharField(
                        default=httpseal.django.models.generate_key,
                        max_length=40,
                        verbose_name="Secret",
                    ),
                ),
                ("created", models.DateTimeField(auto_now_add=True, verbose_name="Created")),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="hmac_key",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="User",
                    ),
                ),
            ],
            options={"verbose_name": "HMAC key", "verbose_name_plural": "HMAC keys"},
        ),
    ]
