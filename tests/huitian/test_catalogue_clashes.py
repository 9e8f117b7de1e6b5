"""Words that mean different things in different apps carry a translation context.

Django merges every catalogue into one table keyed by msgid (and context), so when
two apps translate the same bare msgid differently, one app's word silently wins in
the other's screens (a rejected need read 不予登记). Such a word must be written
with `pgettext("<app> <concept>", …)` in at least one of the apps.
"""

from collections import defaultdict
from pathlib import Path

import polib
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _catalogues() -> list[Path]:
    found = sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
    found += sorted(ROOT.glob("locale/zh_Hans/LC_MESSAGES/django.po"))
    return [p for p in found if ".venv" not in p.parts]


def test_no_bare_msgid_is_translated_two_ways():
    translations: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in _catalogues():
        for entry in polib.pofile(str(path)):
            if entry.msgctxt or entry.obsolete or not entry.msgstr:
                continue
            translations[entry.msgid][entry.msgstr].add(str(path.relative_to(ROOT)))
    clashes = {
        msgid: {msgstr: sorted(files) for msgstr, files in by_msgstr.items()}
        for msgid, by_msgstr in translations.items()
        if len(by_msgstr) > 1
    }
    assert clashes == {}, f"give these a pgettext context: {clashes}"
