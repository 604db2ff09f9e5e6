"""Installing and starting: the codebook inside the package, doctor's GUI checks, no broken
pipe, no silent hang without a display. (CI also builds the wheel and runs it in a fresh venv:
scripts/wheel_smoke.sh.)"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import workbench
from workbench import gui_check
from workbench.coding.codebook import DEFAULT_CODEBOOK, load_codebook

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "import sys; from workbench.cli import main; sys.exit(main())"]


def no_display_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(extra)
    return env


def test_default_codebook_is_package_data():
    pkg = Path(workbench.__file__).resolve().parent
    assert DEFAULT_CODEBOOK.resolve().is_relative_to(pkg)
    assert load_codebook(DEFAULT_CODEBOOK).codes
    repo_path = ROOT / "codebooks" / "jobcenter.yaml"  # the path the contract names still works
    assert repo_path.read_bytes() == DEFAULT_CODEBOOK.read_bytes()
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["workbench"]
    assert "**/*.yaml" in data


def test_doctor_piped_into_head_ends_cleanly(tmp_path):
    p = subprocess.Popen([*CLI, "doctor"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    p.stdout.close()  # the reader is gone before doctor writes, as after `| head -1`
    err = p.stderr.read().decode()
    p.wait(timeout=120)
    assert "BrokenPipe" not in err and "Traceback" not in err and "Exception ignored" not in err, err


def test_doctor_says_what_to_apt_get(monkeypatch, capsys):
    from workbench.cli import main

    monkeypatch.setenv("DISPLAY", ":7")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(gui_check, "missing_libraries", lambda plat="xcb": ["libxcb-cursor.so.0", "libxcb-icccm.so.4"])
    main(["doctor"])
    out = capsys.readouterr().out
    assert "GUI display: X11 :7" in out
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4" in out
    monkeypatch.setattr(gui_check, "missing_libraries", lambda plat="xcb": [])
    main(["doctor"])
    out = capsys.readouterr().out
    assert "Qt platform xcb: all libraries present" in out and "apt-get" not in out


@pytest.mark.skipif(not (sys.platform.startswith("linux") and shutil.which("ldd")), reason="ldd on Linux")
def test_missing_libraries_reads_ldd():
    missing = gui_check.missing_libraries("xcb")
    assert isinstance(missing, list)
    assert all(".so" in x for x in missing)
    assert gui_check.missing_libraries("offscreen") == []  # Qt's own plugin, no X libraries


@pytest.mark.parametrize("qpa", ["", "offscreen"])
def test_gui_without_display_says_so_instead_of_hanging(tmp_path, qpa):
    env = no_display_env(**({"QT_QPA_PLATFORM": qpa} if qpa else {}))
    r = subprocess.run([*CLI, "gui", "--demo"], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert r.returncode == 2
    assert "cannot open the window" in r.stderr and "--screenshot" in r.stderr


def test_screenshot_needs_no_display(tmp_path):
    out = tmp_path / "shot.png"
    r = subprocess.run([*CLI, "gui", "--demo", "--screenshot", str(out), "--size", "800x600"], capture_output=True,
                       text=True, timeout=600, env=no_display_env(), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(not shutil.which("make") or not (ROOT / ".venv" / "bin" / "workbench").exists(),
                    reason="make and the repository's .venv")
def test_make_run_without_display_stops_with_a_message():
    r = subprocess.run(["make", "-s", "-o", ".venv/.installed", "run"], capture_output=True, text=True, timeout=300,
                       env=no_display_env(), cwd=ROOT)
    assert r.returncode != 0
    assert "cannot open the window" in r.stderr
