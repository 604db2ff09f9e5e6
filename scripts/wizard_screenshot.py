"""Render the import wizard (Fil → Importér survey…) on an example 0–10 survey, for the README.

    python scripts/wizard_screenshot.py [OUT.png]      # default: docs/img/import_wizard.png

The example is a citizen-service survey unlike the jobcentre one: three questions on a 0–10
scale (two with an open follow-up), a general comment field and its own background
variables (gender, age, department). Offscreen; nothing outside a temporary folder is
written except the picture.
"""
from __future__ import annotations

import csv
import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["Løbenr", "Spm1", "Spm1_uddyb", "Spm2", "Spm2_uddyb", "Spm3", "Kommentar", "Køn", "Alder", "Afdeling"]
FOLLOW_UPS = ["Det tog alt for lang tid at få svar på min ansøgning", "Medarbejderen var venlig og forklarede det hele",
              "Hjemmesiden var svær at finde rundt på", "Jeg fik hurtigt en tid og god hjælp", ""]
COMMENTS = ["Tak for god service", "Åbningstiderne passer dårligt, når man arbejder", "",
            "Skranken i Syd var lukket, da jeg kom", ""]


def example_csv(path: str | Path, n: int = 60, seed: int = 11, bad_row: bool = False) -> Path:
    """A 0–10 survey with follow-ups, a comment field and background variables. With
    ``bad_row`` the third respondent's Spm2 is 11, outside every band of 0–10."""
    rnd = random.Random(seed)
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(n):
            row = [f"B{i + 1:04d}"]
            for _q in range(2):
                row += [str(rnd.randint(0, 10)), rnd.choice(FOLLOW_UPS)]
            row.append(rnd.choice([str(rnd.randint(0, 10)), str(rnd.randint(0, 10)), ""]))
            row.append(rnd.choice(COMMENTS))
            row += [rnd.choice(["Kvinde", "Mand"]), str(rnd.randint(18, 85)),
                    rnd.choice(["Nord", "Syd", "Vest", "Centrum"])]
            if bad_row and i == 2:
                row[3] = "11"
            w.writerow(row)
    return path


def render(out: str | Path, size: tuple[int, int] = (1240, 660)) -> Path:
    """Open the wizard on the example in a fresh project and save a picture of it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from workbench.coding.codebook import DEFAULT_CODEBOOK, install_codebook, load_codebook
    from workbench.coding.store import Store
    from workbench.ui import i18n
    from workbench.ui.app import application
    from workbench.ui.import_wizard import ImportWizard

    app = application()
    i18n.install("da")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(str(Path(tmp) / "p.db"), create=True)
        with store.transaction() as s:
            install_codebook(store, s, load_codebook(DEFAULT_CODEBOOK))
        csv_path = example_csv(Path(tmp) / "borgerservice_2024.csv", bad_row=True)
        w = ImportWizard(store, None, path=str(csv_path), coder="anne", interactive=False)
        w.name_edit.setText("Borgerservice")
        w.year_spin.setValue(2024)
        w.resize(*size)
        w.show()
        # the 11 in Spm2 made it look like a variable: the user says it is a score on 0-10 with
        # its follow-up, and the wizard shows the row whose score falls in no band
        w.set_role("Spm2_uddyb", "text")
        w.set_role("Spm2", "score")
        w.set_preset("Spm2", "0-10")
        w.check_now()
        from PySide6.QtWidgets import QAbstractItemView

        w.grid.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)  # the red status cell shows
        w.grid.setCurrentCell(w.row_of("Spm2"), 2)
        app.processEvents()
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        w.grab().save(str(out))
        w.close()
        store.close()
    return out


if __name__ == "__main__":
    print(render(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "img" / "import_wizard.png"))
