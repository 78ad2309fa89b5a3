"""`lienthong audit-verify`: walk the whole audit chain; exit 1 and name the first broken event if any."""
from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from lienthong.accounts import chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (exit status 1 if it is broken)."

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):  # the operator's language, Vietnamese by default
            self._verify()

    def _verify(self):
        result = chain.verify(full=True, by="audit-verify")
        if result.intact:
            self.stdout.write(_("Audit chain intact: %(n)s events checked.") % {"n": f"{result.checked:,}".replace(",", ".")})
            return
        self.stdout.write(_("Audit chain BROKEN at event #%(id)s: %(why)s.") % {
            "id": result.broken_at, "why": chain.reason_text(result.reason)})
        sys.exit(1)
