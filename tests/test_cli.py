"""The command line as users and the acceptance checks run it: exit codes and messages."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import survey_rows, write_survey
from workbench.cli import main

WB = [sys.executable, "-m", "workbench.cli"]


def run(*args):
    return subprocess.run([*WB, *map(str, args)], capture_output=True, text=True, timeout=300)


def test_init_import_codings_doctor(tmp_path, capsys):
    p = tmp_path / "p.db"
    assert main(["init", str(p)]) == 0
    rows = survey_rows(11)
    rows[0]["q1_text"], rows[1]["q2_text"] = "Ny sagsbehandler igen", "Ved ikke"
    f = write_survey(tmp_path / "s.csv", rows, delimiter=";", encoding="cp1252")
    assert main(["import", str(p), str(f)]) == 0
    n = sum(1 for r in rows for q in range(1, 8) if r[f"q{q}_text"])
    assert f"imported 11 respondents, {n} answers" in capsys.readouterr().out
    cod = tmp_path / "c.csv"
    cod.write_text("respondent_id,question,code\nR0000,q1,sagsbehandlerskift\nR0001,q2,\n", encoding="utf-8")
    assert main(["codings", "import", str(p), "--coder", "anne", str(cod)]) == 0
    assert "imported 1 codings on 2 answers" in capsys.readouterr().out
    assert main(["doctor", str(p)]) in (0, 1)  # 1 only while no NLP pipeline is installed
    assert "integrity: ok" in capsys.readouterr().out


def test_bad_input_exits_2_without_traceback(tmp_path):
    p = tmp_path / "p.db"
    assert run("init", p).returncode == 0
    rows = survey_rows(5)
    rows[2]["q1_score"] = "6"
    r = run("import", p, write_survey(tmp_path / "bad.csv", rows))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "row 4" in r.stderr and "q1_score" in r.stderr and "bad.csv" in r.stderr


def test_unknown_code_in_codings_exits_2_and_imports_nothing(tmp_path):
    from sqlmodel import func, select

    from workbench.coding.models import Coding
    from workbench.coding.store import Store

    p = tmp_path / "p.db"
    run("init", p)
    rows = survey_rows(4)
    for r in rows:
        r["q1_text"] = "Noget tekst"
    run("import", p, write_survey(tmp_path / "s.csv", rows))
    cod = tmp_path / "c.csv"
    cod.write_text("respondent_id,question,code\nR0000,q1,ventetid\nR0001,q1,findes_ikke\nR9999,q1,ventetid\n")
    r = run("codings", "import", p, "--coder", "anne", cod)
    assert r.returncode == 2
    assert "row 3" in r.stderr and "column code" in r.stderr and "findes_ikke" in r.stderr
    assert "row 4" in r.stderr and "R9999" in r.stderr
    with Store.open(p).session() as s:
        assert s.exec(select(func.count()).select_from(Coding)).one() == 0


def test_missing_project_is_usage_error(tmp_path):
    r = run("import", tmp_path / "none.db", tmp_path / "x.csv")
    assert r.returncode == 2 and "no project file" in r.stderr


def test_init_refuses_to_overwrite(tmp_path):
    p = tmp_path / "p.db"
    assert run("init", p).returncode == 0
    r = run("init", p)
    assert r.returncode == 2 and "already exists" in r.stderr


def test_bad_codebook_exits_2(tmp_path):
    cb = tmp_path / "cb.yaml"
    cb.write_text("codes:\n  - id: Æ X\n    label: ''\n", encoding="utf-8")
    r = run("init", tmp_path / "p.db", "--codebook", cb)
    assert r.returncode == 2
    assert "codes[0].id" in r.stderr and "codes[0].label" in r.stderr
    assert not (tmp_path / "p.db").exists()


def test_doctor_reports_pipeline_and_health(tmp_path):
    p = tmp_path / "p.db"
    run("init", p)
    r = run("doctor", p)
    assert "Danish NLP pipeline" in r.stdout
    assert "integrity: ok" in r.stdout


def test_usage_error_exit_code():
    r = run("import")
    assert r.returncode == 2


def test_doctor_closes_the_project(tmp_path, monkeypatch, capsys):
    from workbench.coding.store import Store

    p = tmp_path / "p.db"
    assert main(["init", str(p)]) == 0
    closed = []
    real_close = Store.close
    monkeypatch.setattr(Store, "close", lambda self: (closed.append(self.url), real_close(self))[1])
    main(["doctor", str(p)])
    assert "integrity: ok" in capsys.readouterr().out
    assert len(closed) == 1 and closed[0].endswith("p.db")


def test_init_and_offline_copy_never_print_the_password(pg_url, tmp_path, capsys):
    """A URL with a password works (this server trusts local logins and ignores it), but the
    password is not printed, neither on success nor when the project cannot be opened."""
    from sqlalchemy.engine import make_url

    secret = "cli-pw-S3cret"
    url = make_url(pg_url).set(password=secret).render_as_string(hide_password=False)
    assert main(["init", url]) == 0
    out = capsys.readouterr()
    assert "created project" in out.out and make_url(pg_url).database in out.out
    assert secret not in out.out + out.err

    assert main(["offline-copy", url, str(tmp_path / "copy.db")]) == 0
    out = capsys.readouterr()
    assert "copied" in out.out and (tmp_path / "copy.db").exists()
    assert secret not in out.out + out.err

    # a database that is not there: the error names it, without the password (a new process,
    # as users run it, and with --debug, which prints the traceback)
    missing = make_url(url).set(database=make_url(url).database + "_missing").render_as_string(hide_password=False)
    for args in (["init", missing], ["offline-copy", missing, tmp_path / "copy2.db"],
                 ["--debug", "init", missing]):
        r = run(*args)
        assert r.returncode == 1, r.stderr
        assert "cannot open project" in r.stderr and "_missing" in r.stderr
        assert secret not in r.stdout + r.stderr, args


def test_export_options_from_the_definition(tmp_path, capsys):
    """--by takes any variable of the survey (default: the definition's report grouping);
    an unknown one, or a bad --compare-years, is a usage error (exit 2) naming what is wrong;
    answers also export to SPSS and Stata."""
    p = tmp_path / "p.db"
    assert main(["init", str(p)]) == 0
    assert main(["import", str(p), str(write_survey(tmp_path / "s.csv", survey_rows(22)))]) == 0
    cod = tmp_path / "c.csv"
    cod.write_text("respondent_id,question,code\nR0000,q1,sagsbehandlerskift\nR0001,q2,\n", encoding="utf-8")
    assert main(["codings", "import", str(p), "--coder", "anne", str(cod)]) == 0
    capsys.readouterr()
    assert main(["export", "frequencies", str(p), "--out", str(tmp_path / "f.csv")]) == 0
    assert "by main_group" in capsys.readouterr().out
    assert main(["export", "frequencies", str(p), "--by", "age", "--out", str(tmp_path / "f.csv")]) == 0
    assert main(["export", "frequencies", str(p), "--by", "farve", "--out", str(tmp_path / "g.csv")]) == 2
    err = capsys.readouterr().err
    assert "farve" in err and "subgroup" in err and not (tmp_path / "g.csv").exists()
    for suffix in ("sav", "dta"):
        assert main(["export", "answers", str(p), "--out", str(tmp_path / f"a.{suffix}")]) == 0
        assert (tmp_path / f"a.{suffix}").stat().st_size > 1000
    for bad in ("2020", "2020,x", "2020,2020", "2019,2020"):
        assert main(["export", "distributions", str(p), "--compare-years", bad, "--out", str(tmp_path / "y.csv")]) == 2
    assert not (tmp_path / "y.csv").exists()
