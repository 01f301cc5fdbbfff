"""The public aid form keeps the files already chosen when it comes back with an error elsewhere
(choosing a KTP photo again on a phone is painful): held under a signed token, saved with the
corrected application, dropped when saved or expired; a made-up token holds nothing."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from satuatap.core import uploads
from satuatap.distribution.models import Application
from satuatap.distribution.tests.conftest import books, english_messages, registry  # noqa: F401  (fixtures)
from satuatap.distribution.tests.test_public import APPLICANT, NIK_NEW, PNG, apply_url, files, post, program  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the rate limit's counters
    yield
    cache.clear()


def held_files() -> list[Path]:
    root = Path(storages["private"].location) / uploads.HELD_FOLDER
    return sorted(p for p in root.iterdir() if p.is_file()) if root.exists() else []


@pytest.fixture(autouse=True)
def _nothing_held():
    """The private storage outlives one test: start with no file held by an earlier test."""
    for path in held_files():
        path.unlink()


def kept_tokens(text: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(kept_\w+)" value="([^"]+)"', text))


def test_the_files_are_kept_after_an_error_and_saved_with_the_corrected_form(client, world, program):  # noqa: F811
    response = post(client, program, nik="33180115039")  # too short
    assert response.status_code == 400
    text = response.content.decode()
    assert "File kept: <strong>ktp.png</strong>" in text and "File kept: <strong>kk.pdf</strong>" in text
    tokens = kept_tokens(text)
    assert set(tokens) == {"kept_ktp", "kept_kk"} and len(held_files()) == 2
    assert not Application.objects.exists()

    # The corrected form sends no file again: the held ones are saved with the application.
    response = client.post(apply_url(program), {**APPLICANT, "nik": NIK_NEW, **tokens})
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Application.objects.get().beneficiary
    documents = {d.kind: d for d in person.documents.all()}
    assert documents.keys() == {"ktp", "kk"} and documents["ktp"].original_name == "ktp.png"
    with storages["private"].open(documents["ktp"].path) as saved:
        assert saved.read() == PNG
    assert held_files() == []  # dropped once saved for good


def test_a_new_file_replaces_a_kept_one_and_a_bad_file_is_not_kept(client, world, program):  # noqa: F811
    bad = SimpleUploadedFile("kk.exe", b"MZ\x90\x00" * 20)
    text = post(client, program, nik="123", document_kk=bad).content.decode()
    tokens = kept_tokens(text)
    assert set(tokens) == {"kept_ktp"}  # the refused KK is not held
    assert "Upload a PDF, JPEG, PNG or WebP file" in text

    new_ktp = SimpleUploadedFile("ktp-baru.png", PNG + b"1", content_type="image/png")
    data = {**APPLICANT, "nik": NIK_NEW, **tokens, **files(document_ktp=new_ktp)}
    assert client.post(apply_url(program), data).status_code == 302
    ktp = Application.objects.get().beneficiary.documents.get(kind="ktp")
    assert ktp.original_name == "ktp-baru.png"
    assert held_files() == []  # the replaced file is dropped too


def test_a_made_up_or_expired_token_holds_nothing(client, world, program, monkeypatch):  # noqa: F811
    made_up = signing.dumps({"path": "../secret.pdf", "name": "x.pdf"}, salt="satuatap.core.uploads.held")
    data = {**APPLICANT, "kept_ktp": "nonsense", "kept_kk": made_up}
    response = client.post(apply_url(program), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Upload the KTP" in text and "File kept" not in text

    text = post(client, program, nik="123").content.decode()
    tokens = kept_tokens(text)
    later = timezone.now() + timedelta(seconds=uploads.HELD_MAX_AGE + 60)
    monkeypatch.setattr(signing.time, "time", lambda: later.timestamp())
    response = client.post(apply_url(program), {**APPLICANT, "nik": NIK_NEW, **tokens})
    assert response.status_code == 400 and "Upload the KTP" in response.content.decode()
    assert uploads.purge_held(now=later) >= 2 and held_files() == []
