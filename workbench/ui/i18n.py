"""The UI language: Danish by default, English on request, through Qt's own translators.

Source strings in the code are English (``tr("Open project…")``). The Danish catalogue
below is the single source of truth; ``python -m workbench.ui.i18n`` writes it as Qt
Linguist XML (``i18n/workbench_da.ts``) and compiles it with ``pyside6-lrelease`` to the
``.qm`` the app loads. If the ``.qm`` is missing, a QTranslator subclass serves the same
catalogue, so the app is Danish either way. Widgets register their texts with ``Texts``
and re-apply them on ``QEvent.LanguageChange``, so switching language needs no restart.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Optional
from xml.sax.saxutils import escape

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

CONTEXT = "workbench"
LANGUAGES = {"da": "Dansk", "en": "English"}
DEFAULT_LANGUAGE = "da"
HERE = Path(__file__).resolve().parent / "i18n"
TS_FILE = HERE / "workbench_da.ts"
QM_FILE = HERE / "workbench_da.qm"


def tr(text: str) -> str:
    """Translate an English source string in the app's one context."""
    return QCoreApplication.translate(CONTEXT, text)


def trf(text: str, *args: Any) -> str:
    """Translate, then fill ``{0}``, ``{1}`` … (the placeholders are kept by translators)."""
    return tr(text).format(*args)


def save_error_text(e: BaseException, wrapper: str = "The change was not saved: {0}") -> str:
    """What a person is told when an action was not saved: a ``SaveError`` (connection lost,
    busy project, conflict) is already one sentence in both languages; anything else is
    wrapped."""
    from workbench.errors import SaveError

    if isinstance(e, SaveError) and e.da:
        return e.text(current_language())
    return trf(wrapper, e)


def trm(message: Any) -> str:
    """A core message in the UI's language: a ``workbench.errors.Msg`` is said from its
    template through the catalogue (its ``Msg`` arguments too; values stay as they are);
    anything else is shown as it is."""
    from workbench.errors import Msg

    return message.render(tr) if isinstance(message, Msg) else str(message)


def trn(one: str, many: str, n: int, *args: Any) -> str:
    """Translate the singular (``n`` == 1) or plural source string, then fill it: "1 hændelse",
    "2 hændelser". ``args`` default to ``n`` alone."""
    return trf(one if n == 1 else many, *(args or (n,)))


class Texts:
    """Remembers which setter shows which source string, to re-apply after a language switch."""

    def __init__(self) -> None:
        self._items: list[tuple[Callable[[str], Any], str, tuple]] = []

    def bind(self, setter: Callable[[str], Any], source: str, *args: Any) -> None:
        self._items.append((setter, source, args))
        setter(trf(source, *args) if args else tr(source))

    def apply(self) -> None:
        for setter, source, args in self._items:
            try:
                setter(trf(source, *args) if args else tr(source))
            except RuntimeError:  # the widget is gone
                pass


class CatalogueTranslator(QTranslator):
    """Serves the Python catalogue through Qt's mechanism when no compiled .qm is present."""

    def __init__(self, catalogue: dict[str, str], parent=None):
        super().__init__(parent)
        self.catalogue = catalogue

    def translate(self, context: str, source: str, disambiguation: Optional[str] = None,
                  n: int = -1) -> Optional[str]:
        # None (a null QString), not "": an empty string counts as a translation and would
        # stop Qt from asking the next translator (Qt's own qtbase_da for its dialogs)
        if context != CONTEXT:
            return None
        return self.catalogue.get(source)

    def isEmpty(self) -> bool:
        return not self.catalogue


def qt_translator(app: QCoreApplication) -> Optional[QTranslator]:
    """Qt's own Danish catalogue (``qtbase_da.qm``, shipped in PySide6's translations folder,
    found through ``QLibraryInfo``), so QFileDialog, QMessageBox buttons etc. speak Danish;
    None when this Qt has none."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_da", "qt_da"):
        t = QTranslator(app)
        if t.load(name, folder):
            return t
    return None


# Qt's own strings that its Danish catalogue (qtbase_da.qm, written for older Qt) lacks: the
# file dialog's labels gained mnemonics in Qt 6 and fell back to English. Served by
# ``QtSupplement``, asked before qtbase_da.
QT_DA: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "&Kig i:",
    ("QFileDialog", "Files of &type:"): "Filer af &type:",
    ("QFileSystemModel", "Type"): "Type",
    ("QFileDialog", "Computer"): "Computer",
}


class QtSupplement(QTranslator):
    def translate(self, context: str, source: str, disambiguation: Optional[str] = None,
                  n: int = -1) -> Optional[str]:
        return QT_DA.get((context, source))

    def isEmpty(self) -> bool:
        return False


_installed: list[QTranslator] = []
_current = {"lang": "en"}


def current_language() -> str:
    return _current["lang"]


def install(lang: str, app: Optional[QCoreApplication] = None) -> str:
    """Switch the running app to ``lang`` ("da" or "en"); returns the language now in use.

    Installing or removing translators makes Qt send LanguageChange to every widget.
    """
    app = app or QCoreApplication.instance()
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    if lang == "da":
        qt = qt_translator(app)  # Qt's own dialogs (file dialog, buttons) in Danish
        for t in (qt, QtSupplement(app)):
            if t is not None:
                app.installTranslator(t)
                _installed.append(t)
        t = QTranslator(app)
        if not (QM_FILE.exists() and t.load(str(QM_FILE))):
            t = CatalogueTranslator(DA, app)
        app.installTranslator(t)
        _installed.append(t)
        QLocale.setDefault(QLocale(QLocale.Language.Danish, QLocale.Country.Denmark))
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    _current["lang"] = lang
    return lang


def number(n: int) -> str:
    """A count in the UI language's style: 2.531 in Danish, 2,531 in English."""
    return QLocale().toString(int(n))


# -- the Danish catalogue --------------------------------------------------------------------

DA: dict[str, str] = {
    # personal data (workbench/ui/privacy.py)
    "Find personal data": "Find personoplysninger", "Pseudonymise…": "Pseudonymisér…",
    "Pseudonymise personal data": "Pseudonymisér personoplysninger", "CPR number": "CPR-nummer",
    "Phone number": "Telefonnummer", "E-mail": "E-mail", "Address": "Adresse", "Type": "Type", "Words": "Ord",
    "Context": "Sammenhæng", "Personal data: {0}": "Personoplysning: {0}",
    "Keep the original texts in the project (exports never show them)":
        "Behold de oprindelige tekster i projektet (eksporter viser dem aldrig)",
    "Check all": "Markér alle", "Pseudonymise checked": "Pseudonymisér markerede", "Allow checked": "Tillad markerede",
    "Leave the checked findings as written, also in exports":
        "Lad de markerede fund stå som skrevet, også i eksporter",
    "{0} open findings. Pseudonymising replaces the words with a placeholder such as [NAVN]; coded passages move with the text.":  # noqa: E501
        "{0} åbne fund. Pseudonymisering erstatter ordene med en pladsholder som [NAVN]; kodede "
                      "passager flytter med teksten.",
    "Pseudonymised {0} findings in {1} answers": "Pseudonymiserede {0} fund i {1} svar",
    "Allowed {0} findings": "Tillod {0} fund", "none": "ingen", "Personal data found: {0}": "Fundne personoplysninger: {0}",
    "Review and pseudonymise the findings now?": "Gennemse og pseudonymisér fundene nu?",
    "Looking for personal data…": "Leder efter personoplysninger…",
    "Only a supervisor can pseudonymise; you are coding as {0}.":
        "Kun en supervisor kan pseudonymisere; du koder som {0}.",
    # menus
    "&File": "&Fil", "&Edit": "&Rediger", "&View": "&Vis", "&Coding": "&Kodning", "&Help": "&Hjælp",
    "&Open project…": "&Åbn projekt…", "Open &demo project": "Åbn &demoprojekt", "Recent projects": "Seneste projekter",
    "&Import survey…": "&Importér survey…", "&Quit": "&Afslut", "(none)": "(ingen)", "Clear list": "Ryd listen",
    "&Undo": "&Fortryd", "&Redo": "&Gentag", "Undo {0}": "Fortryd {0}", "Redo {0}": "Gentag {0}",
    "&Filter…": "&Filtrér…", "Clear filters": "Ryd filtre", "&Quick pick code…": "&Hurtigvalg af kode…",
    "Language": "Sprog", "Toolbar": "Værktøjslinje", "Reset layout": "Nulstil layout",
    "Mark coded && next": "Markér kodet && næste", "Mark coded & next": "Markér kodet & næste",
    "Next answer": "Næste svar", "Previous answer": "Forrige svar", "Next uncoded": "Næste ukodede",
    "Flag": "Flag", "Memo…": "Memo…", "No code applies": "Ingen kode passer", "Apply code": "Anvend kode",
    "Switch coder…": "Skift koder…", "Keyboard shortcuts": "Tastaturgenveje", "&About": "&Om",
    "Open": "Åbn", "Undo": "Fortryd", "Redo": "Gentag", "Previous": "Forrige", "Next": "Næste",
    "Uncoded": "Ukodet", "Coded & next": "Kodet & næste", "No code": "Ingen kode", "Quick pick": "Hurtigvalg",
    # grid columns and values
    "Respondent": "Respondent", "Qn.": "Spm.", "Group": "Gruppe", "Question": "Spørgsmål", "Score": "Score", "Band": "Bånd",
    "Answer": "Svar", "Codes": "Koder", "Status": "Status", "uncoded": "ukodet", "coded": "kodet",
    "flagged": "flaget", "Negative": "Negativ", "Neutral": "Neutral", "Positive": "Positiv",
    "Don't know": "Ved ikke", "Missing": "Mangler",
    # filter bar
    "Search answers (Ctrl+F)": "Søg i svar (Ctrl+F)", "All questions": "Alle spørgsmål", "All bands": "Alle bånd",
    "All groups": "Alle grupper", "All coders": "Alle kodere",
    "Coded by {0}": "Kodet af {0}", "All codes": "Alle koder", "Any status": "Alle statusser",
    "Uncoded answers": "Ukodede svar", "Coded answers": "Kodede svar", "Flagged answers": "Flagede svar",
    "Clear": "Ryd",
    # answer pane
    "No answer selected": "Intet svar valgt", "Follow-up: {0}": "Opfølgning: {0}", "Score {0}: {1}": "Score {0}: {1}",
    "No score": "Ingen score", "Score {0}": "Score {0}",
    "No codes yet. Press a code's key, or select text first to code a passage.":
        "Ingen koder endnu. Tryk på en kodes tast, eller markér tekst først for at kode et udsnit.",
    "Coded: no code applies": "Kodet: ingen kode passer", "Remove {0}": "Fjern {0}", "whole answer": "hele svaret",
    "Memo: {0}": "Memo: {0}", "Flagged for discussion": "Flaget til drøftelse",
    "Marked as a quote": "Markeret som citat", "Mark as quote": "Markér som citat",
    "Remove quote mark": "Fjern citatmarkering", "Remove code": "Fjern kode",
    "Put the cursor in a coded passage to mark it as a quote.":
        "Sæt markøren i et kodet udsnit for at markere det som citat.",
    "mark the coded passage as a quote (or unmark it)": "markér det kodede udsnit som citat (eller fjern markeringen)",
    # codebook panel
    "Codebook": "Kodebog", "Search codes": "Søg i koder", "Code": "Kode", "Key": "Tast", "Count": "Antal",
    "Apply to answer": "Anvend på svaret", "New code…": "Ny kode…", "Rename…": "Omdøb…", "Colour…": "Farve…",
    "Shortcut…": "Genvej…", "Merge into…": "Flet ind i…", "Move under…": "Flyt under…", "Retire": "Udgå",
    "Memo on code…": "Memo om koden…", "Show retired codes": "Vis udgåede koder", "(retired)": "(udgået)",
    "Include: {0}": "Medtag: {0}", "Exclude: {0}": "Udelad: {0}", "Examples:": "Eksempler:",
    "Label of the new code:": "Navn på den nye kode:", "New label:": "Nyt navn:",
    "One key (1–9 or a letter), empty for none:": "Én tast (1–9 eller et bogstav), tom for ingen:",
    "Merge “{0}” into:": "Flet “{0}” ind i:", "Move “{0}” under:": "Flyt “{0}” under:", "(top level)": "(øverste niveau)",
    "Retire “{0}”? It stays on existing codings but is no longer offered.":
        "Lad “{0}” udgå? Den bliver på eksisterende kodninger, men tilbydes ikke længere.",
    "Merged {0} into {1}: {2} codings moved, {3} duplicates dropped.":
        "Flettede {0} ind i {1}: {2} kodninger flyttet, {3} dubletter fjernet.",
    # codebook edits as undo steps ("Fortryd …" in the Edit menu) and the status bar after an undo
    "new code {0}": "ny kode {0}", "rename code {0}": "omdøb kode {0}", "colour of code {0}": "farve på kode {0}",
    "shortcut of code {0}": "genvej til kode {0}", "move code {0}": "flyt kode {0}",
    "retire code {0}": "lad kode {0} udgå", "merge {0} into {1}": "flet {0} ind i {1}", "Undid {0}": "Fortrød {0}",
    # quick pick, memo, coder
    "Type to find a code — Enter applies": "Skriv for at finde en kode — Enter anvender",
    "Memo on answer {0}": "Memo om svar {0}", "Memo on code {0}": "Memo om koden {0}", "Save": "Gem", "Cancel": "Annullér",
    "Who is coding?": "Hvem koder?", "Your codings are saved under this name.": "Dine kodninger gemmes under dette navn.",
    "Coder": "Koder", "Coder: {0}": "Koder: {0}",
    # status bar and messages
    "{0} of {1} answers": "{0} af {1} svar", "Saved {0}": "Gemt {0}", "{0} coded ({1} %)": "{0} kodet ({1} %)",
    "Opening {0}…": "Åbner {0}…", "Loading answers…": "Indlæser svar…", "Creating the demo project…": "Opretter demoprojektet…",
    "Importing {0}…": "Importerer {0}…", "Could not open the project": "Kunne ikke åbne projektet",
    "Could not save": "Kunne ikke gemme", "The change was not saved: {0}": "Ændringen blev ikke gemt: {0}",
    "Import failed": "Importen mislykkedes", "Imported {0} respondents, {1} answers": "Importerede {0} respondenter, {1} svar",
    "Open a project (Ctrl+O) or the demo project to start coding.":
        "Åbn et projekt (Ctrl+O) eller demoprojektet for at begynde at kode.",
    "Open project": "Åbn projekt", "Workbench projects (*.db *.sqlite *.wb);;All files (*)":
        "Workbench-projekter (*.db *.sqlite *.wb);;Alle filer (*)",
    "Import survey": "Importér survey", "Cancelled": "Annulleret", "Operation failed": "Handlingen mislykkedes",
    "About Workbench": "Om Workbench",
    "A keyboard-first workbench for coding open survey answers in Danish.":
        "Et tastaturstyret værktøj til kodning af åbne surveysvar på dansk.",
    "Danish NLP pipeline: {0}": "Dansk NLP-pipeline: {0}", "not loaded": "ikke indlæst",
    "Keyboard": "Tastatur", "Reserved key": "Reserveret tast",
    "code's key: toggle the code on the answer, or on the selected text":
        "kodens tast: slå koden til/fra på svaret eller på den markerede tekst",
    "mark coded and go to the next answer": "markér som kodet og gå til næste svar",
    "next / previous answer": "næste / forrige svar", "next uncoded answer": "næste ukodede svar",
    "memo on the answer": "memo om svaret",
    "no code applies (mark coded without codes)": "ingen kode passer (markér kodet uden koder)",
    "undo / redo": "fortryd / gentag", "quick pick a code": "hurtigvalg af kode", "filter and search": "filtrér og søg",
    "apply code {0}": "anvend kode {0}", "remove code {0}": "fjern kode {0}", "flag": "flag", "unflag": "fjern flag",
    "mark quote": "markér citat", "unmark quote": "fjern citatmarkering",
    "mark coded": "markér kodet", "no code applies": "ingen kode passer", "memo": "memo",
    # code suggestions (suggestion_panel.py)
    "Suggestions": "Forslag", "Accept all confident": "Acceptér alle sikre",
    "Loading suggestions…": "Indlæser forslag…",
    "No suggestions: this answer is in a reliability round, where suggestions would bias the agreement between coders.":
        "Ingen forslag: svaret er i en reliabilitetsrunde, hvor forslag ville påvirke enigheden mellem koderne.",
    "No suggestion reaches the minimum precision ({0} %).": "Intet forslag når minimumspræcisionen ({0} %).",
    "No suggestions for this answer.": "Ingen forslag til dette svar.",
    "Accept the {0} confident suggestions (Ctrl+Shift+A)": "Acceptér de {0} sikre forslag (Ctrl+Shift+A)",
    "Ctrl+1…5 accepts, Alt+1…5 rejects": "Ctrl+1…5 accepterer, Alt+1…5 afviser",
    "Ctrl+{0} accepts, Alt+{0} rejects": "Ctrl+{0} accepterer, Alt+{0} afviser",
    "Accept (Ctrl+{0})": "Acceptér (Ctrl+{0})", "Reject (Alt+{0})": "Afvis (Alt+{0})",
    "{0} has coded {1} of {2} answers with text; the shares grow as coding is finished.":
        "{0} har kodet {1} af {2} svar med tekst; andelene vokser, efterhånden som kodningen bliver færdig.",
    "accept suggestion N": "acceptér forslag N", "reject suggestion N": "afvis forslag N",
    "history of the answer: who did what, when": "svarets historik: hvem gjorde hvad hvornår",
    "learned from your codings": "lært af dine kodninger",
    "resembles the codebook's examples": "ligner kodebogens eksempler",
    "the codebook's keywords": "kodebogens nøgleord", "codebook and learned model": "kodebog og lært model",
    "Source: {0}": "Kilde: {0}", "Resembles: {0}": "Ligner: {0}",
    "◆ Confident: passes the code's measured precision threshold":
        "◆ Sikker: over kodens målte præcisionstærskel",
    "Minimum precision of suggestions": "Minimumspræcision for forslag",
    "Minimum precision of suggestions…": "Minimumspræcision for forslag…",
    "off (show all)": "fra (vis alle)", "Minimum precision": "Minimumspræcision",
    "Show only suggestions whose code reaches this precision in the cross-validation on your own codings. "
    "Off shows every ranked suggestion.":
        "Vis kun forslag, hvis kode når denne præcision i krydsvalideringen på dine egne kodninger. "
        "Fra viser alle rangordnede forslag.",
    "Accept suggestion {0}": "Acceptér forslag {0}", "Reject suggestion {0}": "Afvis forslag {0}",
    "Accept all confident suggestions": "Acceptér alle sikre forslag",
    "Most uncertain first": "Usikre svar først", "Ordering by uncertainty…": "Sorterer efter usikkerhed…",
    "{0} uncertain answers first": "{0} usikre svar først",
    "Suggestions are still loading": "Forslagene indlæses stadig",
    "Suggestions failed: {0}": "Forslag mislykkedes: {0}", "Rejected: {0}": "Afvist: {0}",
    "No confident suggestions for this answer": "Ingen sikre forslag til dette svar",
    "Suggestions: loading…": "Forslag: indlæser…", "Suggestions: codebook": "Forslag: kodebog",
    "Suggestions: learned from {0} answers": "Forslag: lært af {0} svar", "learning…": "lærer…",
    "accept suggestion {0}": "acceptér forslag {0}", "reject suggestion {0}": "afvis forslag {0}",
    "accept {0} confident suggestions": "acceptér {0} sikre forslag",
    # reconciliation view, agreement report, live refresh
    "Reconcile…": "Afstem kodninger…", "Agreement…": "Enighed…", "Reconcile codings": "Afstem kodninger",
    "agreed": "enige", "disagreed": "uenige", "decided": "afgjort", "stale": "forældet", "Decided by": "Afgjort af",
    "coders agreed": "koderne var enige", "union of the coders": "alle koderes koder",
    "edited by hand": "redigeret i hånden",
    "Check the codes that apply; none checked means no code applies.":
        "Markér de koder, der passer; ingen markeret betyder, at ingen kode passer.",
    "Note saved with the decision (Ctrl+M)": "Note, der gemmes med afgørelsen (Ctrl+M)",
    "Union (U)": "Alle koders koder (U)", "No code applies (0)": "Ingen kode passer (0)",
    "Edit codes… (E)": "Redigér koder… (E)", "Next open (N)": "Næste åbne (N)", "Merge agreed": "Flet de enige",
    "Merged {0} agreed answers automatically.": "Flettede automatisk {0} svar, hvor koderne var enige.",
    "Coders: {0} — {1} answers: {2} disagreed, {3} stale, {4} decided, {5} agreed":
        "Kodere: {0} — {1} svar: {2} uenige, {3} forældede, {4} afgjort, {5} enige",
    "Nothing to reconcile": "Intet at afstemme", "Not decided yet.": "Ikke afgjort endnu.",
    "took {0}'s coding": "tog {0}s kodning", "Decided by {0}, {1}: {2}": "Afgjort af {0}, {1}: {2}",
    "Note: {0}": "Note: {0}", "Final:": "Endelig:",
    "A coder has changed their coding since: look again.": "En koder har ændret sin kodning siden: se på svaret igen.",
    "There is no coder {0} here.": "Der er ingen koder {0} her.", "Final codes for {0} {1}": "Endelige koder for {0} {1}",
    "Another supervisor decided this answer meanwhile. It has been reloaded: look at their decision and decide "
    "again if needed.": "En anden supervisor har afgjort dette svar i mellemtiden. Det er indlæst igen: se "
                       "afgørelsen, og afgør igen om nødvendigt.",
    "The decision was not saved: {0}": "Afgørelsen blev ikke gemt: {0}", "Saved: {0} {1}": "Gemt: {0} {1}",
    "No open answers left.": "Ingen åbne svar tilbage.",
    "Only a supervisor or an administrator can reconcile codings. {0} is not one in this project; ask an "
    "administrator to give you the supervisor role.":
        "Kun en supervisor eller en administrator kan afstemme kodninger. {0} er ikke det i dette projekt; bed en "
        "administrator om at give dig supervisorrollen.",
    "Inter-coder agreement": "Enighed mellem kodere", "Section": "Afsnit", "Name": "Navn", "Alpha": "Alfa",
    "Kappa": "Kappa", "Agreement %": "Enighed %", "Units": "Svar", "Overall": "Samlet",
    "Identical code sets": "Identiske kodesæt", "Passages (u-alpha)": "Udsnit (u-alfa)", "Coders:": "Kodere:",
    "Compute": "Beregn", "Choose at least two coders.": "Vælg mindst to kodere.", "Computing…": "Beregner…",
    "Computing agreement…": "Beregner enighed…",
    "{0}: {1} answers coded by all. Krippendorff's alpha {2}, agreement {3} %.":
        "{0}: {1} svar kodet af alle. Krippendorffs alfa {2}, enighed {3} %.",
    "Updated: {0} changes from others": "Opdateret: {0} ændringer fra andre",
    # export dialog, chart viewer, backups
    "&Export…": "&Eksportér…", "Export": "Eksport", "Export…": "Eksportér…", "Preview": "Vis eksempel",
    "Close": "Luk", "Open folder": "Åbn mappe", "Grouping": "Gruppering", "Chart": "Diagram", "Year": "År",
    "Several coders have coded ({0}), nothing is reconciled: the export shows the chosen coder's.":
        "Flere kodere har kodet ({0}), og intet er afstemt endnu: eksporten viser den valgte koders kodning.",
    "Nobody has coded yet: the export's theme columns stay empty.":
        "Ingen har kodet endnu: eksportens temakolonner forbliver tomme.",
    "Minimum cell size": "Mindste cellestørrelse", "Quotes per theme": "Citater pr. tema",
    "Theme frequencies": "Temafrekvenser", "Answer distributions": "Svarfordelinger",
    "Quotes (Word)": "Citater (Word)", "Report draft (Word)": "Rapportudkast (Word)",
    "REFI-QDA project (.qdpx)": "REFI-QDA-projekt (.qdpx)", "Codebook (.qdc)": "Kodebog (.qdc)",
    "All": "Alle",
    "Answer distribution": "Svarfordeling", "Themes: {0}": "Temaer: {0}",
    "Default (newest survey; answers: all years)": "Standard (nyeste survey; svar: alle år)",
    "All years": "Alle år",
    "Smaller groups are hidden; a change is saved in the project":
        "Mindre grupper skjules; en ændring gemmes i projektet",
    "Allow personal data (show names, e-mails … as written)":
        "Tillad personoplysninger (vis navne, e-mails … som skrevet)",
    "Computing the preview…": "Beregner eksemplet…", "Preview of the chart": "Eksempel på diagrammet",
    "Preview: the first {0} rows": "Eksempel: de første {0} rækker",
    "No preview for this export: it is written as a whole.":
        "Intet eksempel for denne eksport: den skrives samlet.",
    "No preview: {0}": "Intet eksempel: {0}", "Exporting to {0}…": "Eksporterer til {0}…",
    "Exported to {0}": "Eksporteret til {0}", "Export failed: {0}": "Eksporten mislykkedes: {0}",
    "Excel workbook (*.xlsx)": "Excel-projektmappe (*.xlsx)", "CSV file (*.csv)": "CSV-fil (*.csv)",
    "Word document (*.docx)": "Word-dokument (*.docx)", "REFI-QDA project (*.qdpx)": "REFI-QDA-projekt (*.qdpx)",
    "REFI-QDA codebook (*.qdc)": "REFI-QDA-kodebog (*.qdc)", "PNG image (*.png)": "PNG-billede (*.png)",
    "SVG image (*.svg)": "SVG-billede (*.svg)", "PDF (*.pdf)": "PDF (*.pdf)",
    "Charts…": "Diagrammer…", "Charts": "Diagrammer", "Drawing the charts…": "Tegner diagrammerne…",
    "No chart: {0}": "Intet diagram: {0}", "The project has no questions yet.": "Projektet har endnu ingen spørgsmål.",
    "Restore from backup…": "Gendan fra sikkerhedskopi…", "Restore from backup": "Gendan fra sikkerhedskopi",
    "Restore": "Gendan", "Time": "Tidspunkt", "Size": "Størrelse", "File": "Fil", "{0} kB": "{0} kB",
    "(before a restore)": "(før en gendannelse)",
    "Choose the state to go back to; the current state is kept as a backup first.":
        "Vælg den tilstand, du vil tilbage til; den nuværende tilstand gemmes først som sikkerhedskopi.",
    "Replace the project with the backup from {0}? The current state is kept first.":
        "Erstat projektet med sikkerhedskopien fra {0}? Den nuværende tilstand gemmes først.",
    "Restoring the backup…": "Gendanner sikkerhedskopien…",
    "Restored {0}; the state before is kept in {1}": "Gendannede {0}; tilstanden før er gemt i {1}",
    "The restore failed: {0}": "Gendannelsen mislykkedes: {0}",
    "Automatic backup failed: {0}": "Automatisk sikkerhedskopi mislykkedes: {0}",
    "Only project files have backups here; a team project is backed up on its server.":
        "Kun projektfiler har sikkerhedskopier her; et teamprojekt sikkerhedskopieres på serveren.",
    # history and project log (workbench/ui/history_dialog.py)
    "History of the answer…": "Historik for svaret…", "Project log…": "Projektlog…", "Project log": "Projektlog",
    "History: {0}": "Historik: {0}", "Person": "Person", "Action": "Handling", "What happened": "Hvad skete der",
    "Every change in the project, newest first.": "Alle ændringer i projektet, nyeste først.",
    "Every change to this answer, newest first.": "Alle ændringer af dette svar, nyeste først.",
    "Filter by person or action…": "Filtrér på person eller handling…", "Export CSV…": "Eksportér CSV…",
    "Loading the log…": "Henter loggen…", "Could not read the log: {0}": "Kunne ikke læse loggen: {0}",
    "{0} events": "{0} hændelser", "{0} of {1} events": "{0} af {1} hændelser",
    "the newest {0}; `workbench log --csv` writes them all": "de nyeste {0}; `workbench log --csv` skriver dem alle",
    "Exported {0} events to {1}": "Eksporterede {0} hændelser til {1}", "No answer is selected.": "Intet svar er valgt.",
    # import wizard (workbench/ui/import_wizard.py)
    "&Choose file…": "&Vælg fil…", "Survey &name": "Surveyens &navn", "&Year": "&År",
    "&Import": "&Importér", "&Save definition…": "&Gem definitionen…",
    "The file's &columns and what each holds:": "Filens &kolonner, og hvad hver indeholder:",
    "Key name": "Nøgle", "follows {0}": "uddyber {0}", "Column": "Kolonne", "Values": "Værdier", "Role": "Rolle", "Text column": "Tekstkolonne",
    "Scale / type": "Skala / type", "Bands": "Bånd", "Check": "Kontrol",
    "Respondent id": "Respondent-id", "Survey year": "Surveyår", "Follow-up text": "Uddybende tekst",
    "Open text": "Åben tekst", "Background variable": "Baggrundsvariabel", "Ignore": "Ignorér",
    "Category": "Kategori", "Number": "Tal", "Custom": "Egen", "Custom {0}–{1}": "Egen {0}–{1}",
    "Role of {0}": "Rolle for {0}", "Key of {0}": "Nøgle for {0}", "Text column of {0}": "Tekstkolonne for {0}",
    "Scale of {0}": "Skala for {0}", "Bands of {0}": "Bånd for {0}",
    "Don't-know codes of {0}": "Ved ikke-koder for {0}", "Guess: {0}": "Gæt: {0}",
    "from the year column": "fra årskolonnen", "Cannot read {0}: {1}": "Kan ikke læse {0}: {1}",
    "✖ A column needs attention (marked red).": "✖ En kolonne kræver opmærksomhed (markeret med rødt).",
    "Scores that mean “don't know”, outside the scale (such as 99)":
        "Scorer, der betyder “ved ikke”, uden for skalaen (fx 99)",
    "✖ {0} columns need attention (marked red).": "✖ {0} kolonner kræver opmærksomhed (markeret med rødt).",
    "✓ Ready: {0} respondents, {1} questions, {2} background variables.":
        "✓ Klar: {0} respondenter, {1} spørgsmål, {2} baggrundsvariable.",
    "Import failed: {0}": "Importen mislykkedes: {0}",
    "Save the survey definition": "Gem surveydefinitionen",
    "Save the survey definition as a YAML file? Next year's wave imports with it.":
        "Gem surveydefinitionen som YAML-fil? Næste års bølge importeres med den.",
    "Survey definition (*.yaml *.yml)": "Surveydefinition (*.yaml *.yml)",
    "Saved the survey definition to {0}": "Gemte surveydefinitionen i {0}",
    "Could not save {0}: {1}": "Kunne ikke gemme {0}: {1}",
    "Survey files (*.csv *.xlsx *.sav);;All files (*)": "Surveyfiler (*.csv *.xlsx *.sav);;Alle filer (*)",
    # the import wizard's check: the problems of workbench/coding/definition.py,
    # workbench/importer/survey.py and workbench/coding/survey_wizard.py (Msg templates)
    "choose the column holding the respondent id (role: id)":
        "vælg kolonnen, der rummer respondent-id'et (rollen Respondent-id)",
    "only one column can be the id ({0!r} is already)": "kun én kolonne kan være id ({0!r} er det allerede)",
    "only one column can be the year ({0!r} is already)": "kun én kolonne kan være året ({0!r} er det allerede)",
    "no question: give at least one column the role score or open text":
        "intet spørgsmål: giv mindst én kolonne rollen Score eller Åben tekst",
    "give a key (letters, digits, _)": "angiv en nøgle (bogstaver, cifre, _)",
    "key {0!r} may hold only letters, digits, '_', '-' and '.'":
        "nøglen {0!r} må kun indeholde bogstaver, cifre, '_', '-' og '.'",
    "key {0!r} is also used by column {1!r}": "nøglen {0!r} bruges også af kolonnen {1!r}",
    "its text column {0!r} does not have the role text": "dens tekstkolonne {0!r} har ikke rollen Uddybende tekst",
    "text column {0!r} already follows {1!r} up": "tekstkolonnen {0!r} uddyber allerede {1!r}",
    "give the bands (a preset or your own)": "angiv båndene (en forudindstilling eller dine egne)",
    "a follow-up text needs its score column (pair it there), or make it an open text":
        "en uddybende tekst skal have sin scorekolonne (par den dér), eller gør den til en åben tekst",
    "holds no respondents": "indeholder ingen respondenter", "... and {0} more problems": "... og {0} problemer mere",
    "changed while it was being read; import it again": "er ændret, mens den blev læst; importér den igen",
    "cannot be read any more: {0}": "kan ikke læses længere: {0}",
    "give the survey a name": "giv surveyen et navn", "the file holds no respondents": "filen indeholder ingen respondenter",
    "the survey definition": "surveydefinitionen",
    "{0!r} is not a band such as 'negativ 1-2'": "{0!r} er ikke et bånd som 'negativ 1-2'",
    "{0!r}: the range runs backwards": "{0!r}: intervallet går baglæns",
    "band {0!r} is given twice": "båndet {0!r} er angivet to gange",
    "give the bands, such as 'negativ 1-2, neutral 3, positiv 4-5'":
        "angiv båndene, fx 'negativ 1-2, neutral 3, positiv 4-5'",
    "{0!r} is not a whole number": "{0!r} er ikke et helt tal",
    "row {0}: {1}": "række {0}: {1}", "rows {0}: {1}": "rækkerne {0}: {1}", "{0} and {1} more": "{0} og {1} til",
    "{0} rows: {1}; {2}; …": "{0} rækker: {1}; {2}; …",
    "{0}, row {1}": "{0}, række {1}", "{0}, column {1}": "{0}, kolonne {1}",
    "score {0!r} is not {1}": "scoren {0!r} er ikke {1}", "{0} or blank": "{0} eller tom", "a score": "en score",
    "{0} or {1}": "{0} eller {1}",
    "{0} {1!r} is not a number": "{0} {1!r} er ikke et tal",
    "{0} {1!r} is outside {2:g}–{3:g}": "{0} {1!r} ligger uden for {2:g}–{3:g}",
    "{0} {1!r} is not {2}": "{0} {1!r} er ikke {2}",
    "unknown {0} {1!r} (known: {2})": "ukendt {0} {1!r} (kendte: {2})",
    "required column is missing (the {0} of {1})": "en påkrævet kolonne mangler ({0} i {1})",
    "respondent id": "respondent-id", "survey year": "surveyår", "score of question {0}": "score for spørgsmål {0}",
    "text of question {0}": "tekst for spørgsmål {0}", "variable {0}": "variablen {0}",
    "column of variable {0} (parts) is missing": "en kolonne til variablen {0} (parts) mangler",
    "column appears more than once in the header": "kolonnen står mere end én gang i overskriftsrækken",
    "has {0} fields but the header has {1}": "har {0} felter, men overskriftsrækken har {1}",
    "respondent id is empty": "respondent-id er tomt",
    "year {0!r} is not a whole number": "året {0!r} er ikke et helt tal",
    "default year {0!r} is not a whole number": "standardåret {0!r} er ikke et helt tal",
    "no survey year (give a year column, year: in the definition or --year)":
        "intet surveyår (angiv en årskolonne, year: i definitionen eller --year)",
    "year {0} is not plausible": "året {0} er ikke plausibelt",
    "{0} is not a number in the expected range": "{0} er ikke et tal i det forventede interval",
    "{0} is empty": "{0} er tom",
    "duplicate respondent id {0!r} (also row {1})": "respondent-id'et {0!r} står to gange (også i række {1})",
    "a survey definition must be a YAML mapping (survey:, questions:, …)":
        "en surveydefinition skal være en YAML-mapping (survey:, questions:, …)",
    "unknown entry {0!r} (known: {1})": "ukendt felt {0!r} (kendte: {1})",
    "the survey needs a name (survey: …)": "surveyen skal have et navn (survey: …)",
    "name the column holding the respondent id (respondent_id: …)":
        "angiv kolonnen, der rummer respondent-id'et (respondent_id: …)",
    "year {0!r} is not a plausible year": "året {0!r} er ikke et plausibelt år",
    "must be a mapping (group_by:, controls:)": "skal være en mapping (group_by:, controls:)",
    "names no variable: {0!r}": "angiver ingen variabel: {0!r}",
    "column {0!r} is already read by {1}": "kolonnen {0!r} læses allerede af {1}",
    "each question must be a mapping ({0})": "hvert spørgsmål skal være en mapping ({0})",
    "each variable must be a mapping ({0})": "hver variabel skal være en mapping ({0})",
    "the question needs a key (key: …)": "spørgsmålet skal have en nøgle (key: …)",
    "the variable needs a key (key: …)": "variablen skal have en nøgle (key: …)",
    "key {0!r} is used by another question": "nøglen {0!r} bruges af et andet spørgsmål",
    "key {0!r} is used by another variable": "nøglen {0!r} bruges af en anden variabel",
    "key {0!r} is reserved; choose another": "nøglen {0!r} er reserveret; vælg en anden",
    "list at least one question (questions: - key: … text: …)":
        "angiv mindst ét spørgsmål (questions: - key: … text: …)",
    "name the score column (score:), the text column (text:) or both":
        "angiv scorekolonnen (score:), tekstkolonnen (text:) eller begge",
    "must map bands to the follow-up wording": "skal knytte bånd til den uddybende formulering",
    "an open question without a score column has no {0}": "et åbent spørgsmål uden scorekolonne har ingen {0}",
    "scale {0!r} is not an integer range such as 1-5 or 0-10":
        "skalaen {0!r} er ikke et heltalsinterval som 1-5 eller 0-10",
    "{0} lies inside the scale {1}": "{0} ligger inden for skalaen {1}",
    "must map scores to labels ({1: Meget utilfreds, 5: Meget tilfreds})":
        "skal knytte scorer til etiketter ({1: Meget utilfreds, 5: Meget tilfreds})",
    "{0!r} is not a score of the scale": "{0!r} er ikke en score på skalaen",
    "a scored question needs bands ({negativ: 1-2, neutral: 3, positiv: 4-5})":
        "et spørgsmål med score skal have bånd ({negativ: 1-2, neutral: 3, positiv: 4-5})",
    "must map band names to score ranges": "skal knytte båndnavne til scoreintervaller",
    "{0} is for dont_know scores, not a band of the scale": "{0} er til dont_know-scorer, ikke et bånd på skalaen",
    "{0!r} is not a score range such as 1-2": "{0!r} er ikke et scoreinterval som 1-2",
    "score {0} lies outside the scale {1}": "scoren {0} ligger uden for skalaen {1}",
    "score {0} is in both {1} and {2}": "scoren {0} er i både {1} og {2}",
    "scores in no band: {0}": "scorer uden bånd: {0}",
    "must be a list of variables (- key: … column: …)": "skal være en liste af variable (- key: … column: …)",
    "type {0!r} is not category or number": "typen {0!r} er hverken category eller number",
    "a derived variable (from:) reads no column of its own": "en afledt variabel (from:) læser ingen kolonne selv",
    "a derived variable needs map: {value or label: group}":
        "en afledt variabel skal have map: {værdi eller etiket: gruppe}",
    "map: belongs to a derived variable (give from:)": "map: hører til en afledt variabel (angiv from:)",
    "must map columns to weights ({Years: 12, Months: 1})": "skal knytte kolonner til vægte ({Years: 12, Months: 1})",
    "weight {0!r} of {1!r} is not a number": "vægten {0!r} for {1!r} er ikke et tal",
    "name the column the variable is read from (column: …)": "angiv kolonnen, variablen læses fra (column: …)",
    "parts_section needs part_weights ({years: 12, months: 1})":
        "parts_section kræver part_weights ({years: 12, months: 1})",
    "weights must be numbers": "vægtene skal være tal",
    "must map codes to labels ({1: Kvinde, 2: Mand})": "skal knytte koder til etiketter ({1: Kvinde, 2: Mand})",
    "bins need type: number": "bins kræver type: number",
    "{0!r} is not an increasing list of numbers": "{0!r} er ikke en stigende liste af tal",
    "give one label per bin (and one for below the first)": "angiv én etiket pr. bin (og én for under den første)",
    "{0!r} is not a range such as 10-110": "{0!r} er ikke et interval som 10-110",
    "derived variables form a cycle": "afledte variable danner en cyklus",
    # the window at every size, without traps (issue 14)
    "Ctrl+Enter or Ctrl+S saves · Esc cancels": "Ctrl+Enter eller Ctrl+S gemmer · Esc annullerer",
    "Unsaved memo": "Memoet er ikke gemt",
    "The memo has changes that are not saved. Save them?": "Memoet har ændringer, der ikke er gemt. Gem dem?",
    "Compact": "Kompakt", "Compact view: every code and its key in a few lines":
        "Kompakt visning: alle koder og deres taster på få linjer",
    "Layout follows the window size": "Layoutet følger vinduets størrelse",
    " — answer {0} {1}": " — svar {0} {1}", "(not in the current filter)": "(ikke i det aktuelle filter)",
    "Redid {0}": "Gentog {0}",
    "End of the list: this is the last answer in the filter.": "Slut på listen: dette er det sidste svar i filteret.",
    "Start of the list: this is the first answer in the filter.":
        "Start på listen: dette er det første svar i filteret.",
    "Every answer in the filter is coded.": "Alle svar i filteret er kodet.",
    "Answer {0} of {1}": "Svar {0} af {1}", "{0} of {1} coded ({2} %)": "{0} af {1} kodet ({2} %)",
    "Back where you stopped.": "Tilbage hvor du slap.",
    "Search codes — Enter ticks the code found, Ctrl+Enter confirms":
        "Søg i koderne — Enter sætter flueben ved koden, Ctrl+Enter bekræfter",
    "{0} codes ticked": "{0} koder valgt", "None ticked: no code applies": "Ingen valgt: ingen kode passer",
    "Show all answers": "Vis alle svar", "Show answers needing a verdict": "Vis svar, der mangler en afgørelse",
    "Show decisions made (by hand)": "Vis trufne afgørelser (manuelle)", "Show agreed answers": "Vis svar med enighed",
    "the other coder did not give this code": "den anden koder gav ikke denne kode",
    "agreed, merged": "enige, flettet",
    "{0} event": "{0} hændelse", "{0} of {1} event": "{0} af {1} hændelse",
    "Updated: {0} change from others": "Opdateret: {0} ændring fra andre",
    "In the file: {0}": "I filen: {0}",
    "toggle that code on the answer, or on the selected text (span); removing the last code leaves the answer uncoded":
        "sæt koden på svaret eller på den markerede tekst (udsnit) – eller fjern den; fjernes den sidste kode, "
        "er svaret ukodet igen",
    "mark coded, go to the next answer": "markér som kodet, gå til næste svar",
    "next / previous answer (the status bar says when the filtered list ends)":
        "næste / forrige svar (statuslinjen siger, når den filtrerede liste slutter)",
    "flag the answer": "sæt flag ved svaret",
    "memo on the answer: Ctrl+Enter or Ctrl+S saves, Tab moves on, Esc asks before discarding":
        "memo om svaret: Ctrl+Enter eller Ctrl+S gemmer, Tab går videre, Esc spørger før noget kasseres",
    "quick-pick a code by typing": "hurtigvalg af en kode ved at skrive",
    "star the coded passage under the selection or cursor as a quote for the report (★ on its chip; right-click a chip for all of a code's passages)":
        "markér det kodede udsnit under markeringen eller markøren som citat til rapporten (★ på dens mærke; højreklik et mærke for alle kodens udsnit)",
    "accept / reject suggestion N": "acceptér / afvis forslag N",
    "the answer's history: who coded, decided or changed what, when (Fil → Projektlog for the whole project)":
        "svarets historik: hvem kodede, afgjorde eller ændrede hvad og hvornår (Fil → Projektlog for hele projektet)",
    "undo / redo of every coding action, quote star and codebook edit: goes to the answer and says what was undone":
        "fortryd / gentag af alle kodninger, citatmarkeringer og kodebogsændringer: går til svaret og siger, hvad der blev fortrudt",
    "search / clear filters": "søg / ryd filtre", "export": "eksportér",
    "reconcile codings (supervisors): 1–9 take a coder's codes, U union, 0 none, E edit, N next":
        "afstem kodninger (supervisorer): 1–9 tag en koders koder, U foreningsmængde, 0 ingen, E redigér, N næste",
    "all shortcuts": "alle genveje",
    "a code's key (1–9, letters)": "en kodes tast (1–9, bogstaver)", "Ctrl+K or /": "Ctrl+K eller /",
    "Ctrl+1…5 / Alt+1…5 (or Ctrl+Shift+1…5)": "Ctrl+1…5 / Alt+1…5 (eller Ctrl+Shift+1…5)",
    "Decisions made earlier are listed after the answers needing a verdict; “Show decisions made” lists only them.":
        "Tidligere afgørelser står efter de svar, der mangler en afgørelse; “Vis trufne afgørelser” viser kun dem.",
}


def write_ts(path: Path = TS_FILE, catalogue: Optional[dict[str, str]] = None) -> Path:
    """Write the catalogue as a Qt Linguist .ts file (one context)."""
    catalogue = DA if catalogue is None else catalogue
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>", '<TS version="2.1" language="da_DK">',
             "<context>", f"    <name>{CONTEXT}</name>"]
    for src, dst in catalogue.items():
        lines += ["    <message>", f"        <source>{escape(src)}</source>",
                  f"        <translation>{escape(dst)}</translation>", "    </message>"]
    lines += ["</context>", "</TS>", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def lrelease_path() -> Optional[str]:
    cand = Path(sys.executable).with_name("pyside6-lrelease")
    return str(cand) if cand.exists() else shutil.which("pyside6-lrelease") or shutil.which("lrelease")


def compile_qm(ts: Path = TS_FILE, qm: Path = QM_FILE) -> Path:
    """Compile .ts to .qm with pyside6-lrelease (raises if the tool is missing or fails)."""
    tool = lrelease_path()
    if tool is None:
        raise RuntimeError("pyside6-lrelease not found")
    subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=True, capture_output=True)
    return qm


if __name__ == "__main__":  # regenerate the shipped translation files
    print(compile_qm(write_ts()))
