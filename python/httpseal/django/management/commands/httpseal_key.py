"""``manage.py httpseal_key USERNAME [--rotate]``: creates a user's HMAC key,
or replaces it, and prints the key and secret once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from httpseal.django.models import HMACKey


class Command(BaseCommand):
    help = "Create (or with --rotate, replace) a user's HMAC key and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--rotate", action="store_true", help="replace an existing key and secret"
        )

    def handle(self, *args, username, rotate, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist:
            raise CommandError(f"no user {username!r}") from None
        if HMACKey.objects.filter(user=user).exists() and not rotate:
            raise CommandError(f"{username!r} already has a key; pass --rotate to replace it")
        key = HMACKey.rotate_for(user)
        self.stdout.write(f"key: {key.key}\nsecret: {key.secret}")
        self.stderr.write("Store the secret now; it is not shown again.")
