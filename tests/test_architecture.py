"""The architecture checks of ``make lint`` bite: the import contracts (lint-imports) and the type
check of services and selectors (mypy) fail on a deliberate violation, and the repository keeps them.

The violations live in a throw-away package in a temporary folder, checked with the repository's own
contracts (renamed to it) and its mypy settings, so the checks are tested without touching the code.
"""

import configparser
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    assert found is not None, f"{name} is not installed: make .venv/.dev installs requirements/dev.txt"
    return found


def _write(root: Path, files: dict[str, str]) -> None:
    # Every app of the repository exists in the fake package (the contracts name them and their tests
    # and migrations), empty.
    apps = [path.parent.name for path in (ROOT / "satuatap").glob("*/__init__.py")]
    files = {
        "fake/__init__.py": "",
        **{f"fake/{app}/{room}": "" for app in apps for room in ("__init__.py", "tests.py", "migrations.py")},
        **files,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _contracts_for(package: str, *contract_ids: str) -> str:
    """The repository's contracts ``contract_ids``, with ``satuatap`` renamed ``package``."""
    repo = configparser.ConfigParser(interpolation=None)
    repo.read(ROOT / ".importlinter")
    lines = ["[importlinter]", f"root_package = {package}", "include_external_packages = False", ""]
    for contract_id in contract_ids:
        section = f"importlinter:contract:{contract_id}"
        lines.append(f"[{section}]")
        for key, value in repo[section].items():
            value = value.replace("satuatap", package)
            lines.append(f"{key} = {value}" if "\n" not in value else f"{key} =" + value.replace("\n", "\n    "))
        lines.append("")
    return "\n".join(lines)


def _lint_imports(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(cwd))
    return subprocess.run(  # noqa: S603 (the linter of this virtualenv, fixed arguments)
        [_tool("lint-imports"), "--no-cache", "--no-logo", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _repo_contract_name(contract_id: str) -> str:
    repo = configparser.ConfigParser(interpolation=None)
    repo.read(ROOT / ".importlinter")
    return repo[f"importlinter:contract:{contract_id}"]["name"]


def test_the_import_contracts_fail_on_a_forbidden_import_and_on_a_cycle_between_rooms(tmp_path):
    _write(
        tmp_path,
        {
            "fake/__init__.py": "",
            "fake/collection/__init__.py": "",
            "fake/collection/models.py": "RECEIPT = 'receipt'\n",
            "fake/ledger/__init__.py": "",
            # The ledger may know nothing of donations.
            "fake/ledger/models.py": "from fake.collection.models import RECEIPT\n",
            "fake/reports/__init__.py": "",
            "fake/reports/home.py": "from fake.ledger import models\n",
            # Two rooms of one app importing each other.
            "fake/outbox/__init__.py": "",
            "fake/outbox/services.py": "from fake.outbox import tasks\n",
            "fake/outbox/tasks.py": "from fake.outbox import services\n",
        },
    )
    config = tmp_path / ".importlinter"
    config.write_text(_contracts_for("fake", "ledger-arrows", "rooms-acyclic", "reports-read-only"))

    result = _lint_imports(tmp_path, str(config))

    assert result.returncode == 1, result.stdout + result.stderr
    out = " ".join(result.stdout.split())
    assert f"{_repo_contract_name('ledger-arrows')} BROKEN" in out
    assert "fake.ledger.models -> fake.collection.models" in out
    assert f"{_repo_contract_name('rooms-acyclic')} BROKEN" in out
    assert "No cycles are allowed in fake.outbox" in out
    # Reading the ledger is what reports do: that contract is kept.
    assert f"{_repo_contract_name('reports-read-only')} KEPT" in out


def test_the_import_contracts_pass_when_kept(tmp_path):
    _write(
        tmp_path,
        {
            "fake/__init__.py": "",
            "fake/collection/__init__.py": "",
            "fake/collection/models.py": "from fake.ledger.models import ACCOUNT\n",
            "fake/ledger/__init__.py": "",
            "fake/ledger/models.py": "ACCOUNT = 'account'\n",
            "fake/outbox/__init__.py": "",
            "fake/outbox/services.py": "from fake.outbox import tasks\n",
            "fake/outbox/tasks.py": "",
        },
    )
    config = tmp_path / ".importlinter"
    config.write_text(_contracts_for("fake", "ledger-arrows", "rooms-acyclic"))

    result = _lint_imports(tmp_path, str(config))

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_repository_keeps_its_import_contracts():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr


def test_mypy_fails_on_a_type_error_in_a_service(tmp_path):
    """The repository's mypy settings (without the Django plugin, for speed) report a wrong return type."""
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    lines = ["[mypy]"]
    for key, value in settings.items():
        if key in ("plugins", "overrides", "exclude"):
            continue
        if isinstance(value, bool):
            value = str(value).lower()
        lines.append(f"{key} = {value}")
    (tmp_path / "mypy.ini").write_text("\n".join(lines) + "\n")
    _write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/services.py": 'def total() -> int:\n    return "x"\n',
            "app/selectors.py": "def total() -> int:\n    return 1\n",
        },
    )

    result = subprocess.run(  # noqa: S603 (mypy of this virtualenv, fixed arguments)
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(tmp_path / "mypy.ini"),
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            "app/services.py",
            "app/selectors.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert 'app/services.py:2: error: Incompatible return value type (got "str", expected "int")' in result.stdout
    assert "selectors.py" not in result.stdout
    assert "Found 1 error in 1 file" in result.stdout
