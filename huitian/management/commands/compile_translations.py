"""Compile every .po catalogue to .mo in pure Python (polib).

`compilemessages` needs GNU gettext's msgfmt, which a fresh machine with only
Python does not have; `make run` must work there.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po (project and apps) to .mo without msgfmt."

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        count = 0
        for po_path in sorted(base.glob("**/locale/*/LC_MESSAGES/*.po")):
            if ".venv" in po_path.parts or "node_modules" in po_path.parts:
                continue
            catalogue = polib.pofile(str(po_path))
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
            self.stdout.write(
                f"compiled {po_path.relative_to(base)} ({catalogue.percent_translated()}%)"
            )
        self.stdout.write(f"{count} catalogue(s) compiled")
