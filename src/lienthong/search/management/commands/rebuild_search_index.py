from django.core.management.base import BaseCommand

from lienthong.search.index import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the vessel search index from the fleet tables."

    def handle(self, *args, **options):
        n = rebuild_index()
        self.stdout.write(f"indexed {n} vessels")
