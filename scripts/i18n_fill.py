"""Fill empty catalog entries: English from the msgid, Thai and Hindi from JSON files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = ("en", "th", "hi")


def load(paths: list[str]) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {"th": {}, "hi": {}}
    for path in paths:
        for locale, texts in json.loads(Path(path).read_text(encoding="utf-8")).items():
            merged.setdefault(locale, {}).update(texts)
    return merged


def fill(locale: str, texts: dict[str, str]) -> list[str]:
    path = Path(f"locales/{locale}/LC_MESSAGES/messages.po")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    missing = []
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id if locale == "en" else texts.get(str(message.id), "")
            if not message.string:
                missing.append(str(message.id))
    with path.open("wb") as handle:
        write_po(handle, catalog, width=76, ignore_obsolete=True)
    return missing


def main(paths: list[str]) -> int:
    texts = load(paths)
    missing = [(loc, msgid) for loc in LOCALES for msgid in fill(loc, texts.get(loc, {}))]
    for locale, msgid in missing:
        print(f"missing {locale}: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
