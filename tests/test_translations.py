"""Every message a person can meet exists in Welsh as well as English.

The server's: ``makemessages -l cy`` run over a copy of the code collects every marked
string into a copy of the Welsh catalogue; a msgid there with no Welsh, or only a fuzzy
guess, fails. The catalogue compiled into the committed ``django.mo`` is the one in
``django.po`` (the app reads the .mo, and a fresh machine has no msgfmt to make it).

The web app's: every key the code asks for (``t('…')``) is in the English catalogue, and
every English key has Welsh (``frontend/src/locales/<language>/*.json``, a file for each part
of the app, a top-level key in one file only).
"""

import gettext
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
CATALOGUE = BASE / "locale" / "cy" / "LC_MESSAGES"
# Where makemessages looks for strings: everything but the tests, the benchmarks, the
# frontend (which has catalogues of its own) and what is built or installed.
NOT_SOURCES = (
    "frontend",
    "tests",
    "bench",
    "scripts",
    "staticfiles",
    "node_modules",
    "test-results",
)
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "cy",
    "--no-location",
    "--no-obsolete",
    *(f"--ignore={folder}/*" for folder in NOT_SOURCES),
]

FRONTEND = BASE / "frontend" / "src"
LOCALES = FRONTEND / "locales"


def _gettext_tools() -> None:
    if not shutil.which("xgettext") or not shutil.which("msgfmt"):
        pytest.fail("GNU gettext is missing (make system-packages installs Debian's gettext).")


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Welsh catalogue as makemessages leaves it after a run over the current code."""
    _gettext_tools()
    copy = tmp_path_factory.mktemp("messages") / "src"
    shutil.copytree(
        BASE,
        copy,
        ignore=shutil.ignore_patterns(".*", "__pycache__", "*.sqlite3", *NOT_SOURCES),
        symlinks=True,
    )
    subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=copy,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return copy / "locale" / "cy" / "LC_MESSAGES" / "django.po"


def _entries(po: Path, *options: str) -> list[str]:
    """The msgids msgattrib selects with ``options`` (without the header)."""
    selected = subprocess.run(
        ["msgattrib", "--no-obsolete", "--no-wrap", *options, str(po)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [msgid for msgid in re.findall(r'^msgid "(.*)"$', selected, re.MULTILINE) if msgid]


def test_every_server_message_has_welsh(collected: Path) -> None:
    assert _entries(collected, "--untranslated") == []


def test_no_welsh_server_message_is_a_guess(collected: Path) -> None:
    assert _entries(collected, "--only-fuzzy") == []


def test_the_committed_catalogue_is_compiled_from_the_po(tmp_path: Path) -> None:
    _gettext_tools()
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(CATALOGUE / "django.po")],
        check=True,
        capture_output=True,
    )

    def catalogue(path: Path) -> dict[object, str]:
        with path.open("rb") as file:
            # The messages a catalogue holds: the standard library keeps them there only.
            return dict(gettext.GNUTranslations(file)._catalog)  # type: ignore[attr-defined]  # private, not in typeshed

    assert catalogue(CATALOGUE / "django.mo") == catalogue(compiled)


# --- The web app ---------------------------------------------------------------------------

# t('key') and t("key"), with or without options after the key.
KEY_USE = re.compile(r"""\bt\(\s*(['"])([A-Za-z0-9_.-]+)\1""")


def _flatten(tree: dict[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


def _catalogue(language: str) -> dict[str, str]:
    """A language's files as the app merges them: their top-level keys side by side."""
    merged: dict[str, object] = {}
    for path in sorted((LOCALES / language).glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        twice = sorted(set(part) & set(merged))
        assert twice == [], f"{path.name} repeats {twice} of another file"
        merged.update(part)
    return _flatten(merged)


def test_each_part_of_the_web_app_has_its_file_in_both_languages() -> None:
    def parts(language: str) -> list[str]:
        return sorted(path.name for path in (LOCALES / language).glob("*.json"))

    assert parts("en") == parts("cy") != []


def _base_key(key: str) -> str:
    # i18next's plural forms: "members_one", "members_other" answer t('members', {count}).
    return re.sub(r"_(zero|one|two|few|many|other)$", "", key)


def test_every_key_the_web_app_uses_is_in_english() -> None:
    english = {_base_key(key) for key in _catalogue("en")}
    used = {
        match.group(2): path.relative_to(BASE).as_posix()
        for path in sorted(FRONTEND.rglob("*.ts*"))
        if "api" not in path.parts
        for match in KEY_USE.finditer(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 100
    assert {key: where for key, where in used.items() if key not in english} == {}


# The forms Welsh counts take (Intl.PluralRules('cy'), which i18next follows): "0 rhybudd",
# "1 rhybudd", "2 rybudd", "3 rhybudd", "6 rhybudd", "20 rhybudd".
WELSH_PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")


def test_every_english_message_of_the_web_app_has_welsh() -> None:
    english, welsh = _catalogue("en"), _catalogue("cy")
    assert [key for key, text in english.items() if not text.strip()] == []
    assert [key for key in english if not welsh.get(key, "").strip()] == []
    # A count's message has every form Welsh counts take, not only English's two.
    counted = {key.removesuffix("_other") for key in english if key.endswith("_other")}
    assert [
        f"{base}_{form}"
        for base in sorted(counted)
        for form in WELSH_PLURAL_FORMS
        if not welsh.get(f"{base}_{form}", "").strip()
    ] == []
    # And Welsh says nothing English does not.
    english_bases = {_base_key(key) for key in english}
    assert [key for key in welsh if _base_key(key) not in english_bases] == []


def test_the_web_app_keeps_placeholders_in_welsh() -> None:
    english, welsh = _catalogue("en"), _catalogue("cy")
    placeholder = re.compile(r"\{\{\s*(\w+)\s*\}\}")
    differing = {
        key: (sorted(set(placeholder.findall(text))), sorted(set(placeholder.findall(welsh[key]))))
        for key, text in english.items()
        if key in welsh and set(placeholder.findall(text)) != set(placeholder.findall(welsh[key]))
    }
    assert differing == {}
