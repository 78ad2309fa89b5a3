from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lienthong.api.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API token for a user (printed once; only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, username, name, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"no user {username!r}") from exc
        _token, raw = ApiToken.issue(user, name)
        self.stdout.write(raw)
