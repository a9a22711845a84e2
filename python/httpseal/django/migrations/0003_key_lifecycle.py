"""Several keys per user, expiry, revocation and last use; secrets encrypted
in place. Undoing it refuses while any secret is encrypted: ``manage.py
httpseal_key decrypt --yes`` writes them back as plain text first."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError

import httpseal.django.fields
import httpseal.django.models


def encrypt_secrets(apps, schema_editor):
    from httpseal._native import KeyEncryption
    from httpseal.django.encryption import key_encryption
    from httpseal.django.fields import Encrypted

    keys = apps.get_model("httpseal", "HMACKey").objects.using(schema_editor.connection.alias)
    for pk, stored in keys.values_list("pk", "secret").iterator():
        if not KeyEncryption.is_encrypted(stored):
            encrypted = key_encryption().encrypt(str(stored), record=str(pk))
            keys.filter(pk=pk).update(secret=Encrypted(encrypted))


def refuse_while_encrypted(apps, schema_editor):
    from httpseal._native import KeyEncryption

    keys = apps.get_model("httpseal", "HMACKey").objects.using(schema_editor.connection.alias)
    if any(KeyEncryption.is_encrypted(s) for s in keys.values_list("secret", flat=True)):
        raise IrreversibleError(
            "HMAC key secrets are encrypted; run `manage.py httpseal_key decrypt --yes` "
            "to store them as plain text before migrating httpseal back past 0003"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("httpseal", "0002_hmackey_restrictions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="hmackey",
            options={
                "ordering": ("-created",),
                "verbose_name": "HMAC key",
                "verbose_name_plural": "HMAC keys",
            },
        ),
        migrations.AddField(
            model_name="hmackey",
            name="name",
            field=models.CharField(
                blank=True,
                default="",
                help_text="What the key is for.",
                max_length=100,
                verbose_name="Name",
            ),
        ),
        migrations.AddField(
            model_name="hmackey",
            name="expires_at",
            field=models.DateTimeField(
                blank=True,
                help_text="From this time on the key is refused; empty: it does not expire.",
                null=True,
                verbose_name="Expires at",
            ),
        ),
        migrations.AddField(
            model_name="hmackey",
            name="revoked_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Set: the key is refused. Clear it to restore the key.",
                null=True,
                verbose_name="Revoked at",
            ),
        ),
        migrations.AddField(
            model_name="hmackey",
            name="last_used_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When a request signed with the key was last accepted (to the interval).",
                null=True,
                verbose_name="Last used at",
            ),
        ),
        migrations.AlterField(
            model_name="hmackey",
            name="secret",
            field=httpseal.django.fields.EncryptedSecretField(
                default=httpseal.django.models.generate_key, max_length=255, verbose_name="Secret"
            ),
        ),
        migrations.RunPython(encrypt_secrets, refuse_while_encrypted, elidable=False),
        migrations.AlterField(
            model_name="hmackey",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="hmac_keys",
                related_query_name="hmac_key",
                to=settings.AUTH_USER_MODEL,
                verbose_name="User",
            ),
        ),
        migrations.AddIndex(
            model_name="hmackey",
            index=models.Index(fields=["user", "-created"], name="httpseal_key_user_created"),
        ),
    ]
