"""The project as a package: both README installs build without a warning, and the built wheel
carries its templates, static files, word lists and compiled message catalogues and runs from a
fresh virtual environment, through the ``caretime`` console command, far from the source tree.

Builds use the setuptools pinned in the dev extras, in this process's environment (no build
isolation), so nothing is fetched from the registry at test time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def source_tree(into: Path) -> Path:
    """A copy of the project's own files, as a clean clone has them: setuptools writes its
    ``build/`` folder into the tree it builds, and a stale one there from an earlier build
    would put modules since deleted into the wheel."""
    listed = subprocess.check_output(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT)
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet committed is listed and absent
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


def build(hook: str, out: Path) -> tuple[Path, str]:
    """Run one PEP 517 hook of the project's backend with every warning turned into an error."""
    out.mkdir(parents=True, exist_ok=True)
    tree = source_tree(out / "source")
    script = f"import sys; from setuptools import build_meta; print(build_meta.{hook}(sys.argv[1]))"
    # With PYTHONDONTWRITEBYTECODE set (as on some machines) setuptools notes that it skips
    # byte-compiling: a remark about the machine, not about the project.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script, str(out)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    name = done.stdout.strip().splitlines()[-1]
    return out / name, done.stdout + done.stderr


@pytest.mark.parametrize("hook", ["build_wheel", "build_editable"])
def test_building_prints_no_warning(tmp_path: Path, hook: str) -> None:
    wheel, output = build(hook, tmp_path)
    assert wheel.is_file()
    assert "warning" not in output.lower(), output[-3000:]


def test_the_wheel_installs_and_runs_on_its_own(tmp_path: Path) -> None:
    wheel, _ = build("build_wheel", tmp_path / "dist")
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    # The dependencies come from this environment's site-packages, added as a plain path: its
    # .pth files (among them the editable install of the source tree) are not read from there,
    # so the only caretime the fresh environment can import is the wheel's.
    fresh_site = Path(
        subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
        .decode()
        .strip()
    )
    (fresh_site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(workdir),
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{workdir / 'site.sqlite3'}",
    }
    command = fresh / "bin" / "caretime"
    assert command.is_file(), "the wheel installs no caretime console command"
    for args in (["check"], ["migrate", "--no-input", "-v", "0"]):
        done = subprocess.run([str(command), *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]

    # Faker is made unimportable: the screening's word lists are data files of the wheel.
    probe = textwrap.dedent(
        """
        import sys
        sys.modules["faker"] = None
        import django, os
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caretime.settings")
        django.setup()
        import caretime
        from caretime.core.redaction import RosterPerson, screen
        from django.contrib.staticfiles import finders
        from django.test import Client
        print(caretime.__file__)
        print(finders.find("reports/reports.css"))
        response = Client().get("/about/", headers={"host": "localhost"})
        print(response.status_code, "About caretime" in response.content.decode())
        print(screen("Jane Doe and Brittany were kind.", roster=[RosterPerson("Jane", "Doe", "DPT")]).text)
        from caretime.web.catalogues import sources
        print(sources()[0].with_suffix(".mo"))
        """
    )
    done = subprocess.run([str(python), "-c", probe], cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    package_file, css, page, screened, catalogue = done.stdout.strip().splitlines()[-5:]
    assert package_file.startswith(str(fresh_site)), f"caretime was imported from {package_file}, not the wheel"
    assert css.startswith(str(fresh_site)), f"static file found at {css}, not in the wheel"
    assert page == "200 True", "the About page, rendered from the wheel's templates"
    assert screened == "The therapist and a staff member were kind.", "a review screened with the wheel's word lists"
    assert catalogue.startswith(str(fresh_site)), f"the Spanish catalogue found at {catalogue}, not in the wheel"
    assert Path(catalogue).is_file(), "the wheel carries the compiled Spanish catalogue"
