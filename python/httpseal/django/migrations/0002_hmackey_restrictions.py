from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("httpseal", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="hmackey",
            name="schemes",
            field=models.CharField(
                blank=True,
                default="",
                help_text="Space-separated schemes this key may sign with; empty: every enabled one.",
                max_length=100,
                verbose_name="Schemes",
            ),
        ),
        migrations.AddField(
            model_name="hmackey",
            name="algorithms",
            field=models.CharField(
                blank=True,
                default="",
                help_text="Space-separated algorithms (e.g. hmac-sha256); empty: any the scheme allows.",
                max_length=100,
                verbose_name="Algorithms",
            ),
        ),
        migrations.AddField(
            model_name="hmackey",
            name="may_act_as",
            field=models.BooleanField(
                default=False,
                help_text="Honour a signed X-FOST-User header naming another user.",
                verbose_name="May act as other users",
            ),
        ),
    ]
