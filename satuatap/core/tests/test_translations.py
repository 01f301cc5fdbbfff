"""Both catalogs are complete for what exists, and the compiled catalogs match their sources."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
LANGUAGES = ("id", "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_fully_translated_and_compiled(language):
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {language}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:10]}"
    mo = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(po.fpath[:-2] + "mo"))}
    stale = [e.msgid for e in po if (e.msgctxt, e.msgid) not in mo or mo[(e.msgctxt, e.msgid)][0] != e.msgstr]
    assert not stale, f"run `make messages`: the .mo of {language} is stale for {stale[:5]}"


def test_every_string_in_the_code_is_in_the_catalog(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is needed: apt-get install gettext")
    work = tmp_path / "repo"
    shutil.copytree(ROOT / "satuatap", work / "satuatap", ignore=shutil.ignore_patterns("__pycache__", "tests"))
    shutil.copytree(ROOT / "locale", work / "locale")
    shutil.copy(ROOT / "manage.py", work / "manage.py")
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id", "--no-obsolete", "--no-location"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fresh = {e.msgid for e in polib.pofile(str(work / "locale/id/LC_MESSAGES/django.po"))}
    current = {e.msgid for e in polib.pofile(str(ROOT / "locale/id/LC_MESSAGES/django.po"))}
    assert fresh - current == set(), f"run `make messages` and translate: {sorted(fresh - current)[:10]}"
