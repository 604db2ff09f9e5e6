"""The audit trail, readable: who did what to which answer, and when.

Every action already writes one ``AuditEvent`` (``store.log``); this module reads them back
for people: ``events`` filters them (by answer, person, kind of action, time) newest first,
``HistoryEntry.describe`` turns one into a sentence in Danish or English with code labels
and coder names, and ``export_history_csv`` writes the trail for a supervisor's records.

Filtering by answer is done in the database: an event concerns an answer when the answer is
its entity (``reconcile.*``, ``answer.*``, ``suggestion.*``) or its payload names it
(``answer_id``: ``coding.*``, ``quote.*``, ``pii.allow``; ``target_type``/``target_id``: a
memo on the answer). The JSON values are compared as text (``->>`` on PostgreSQL,
``json_extract`` on SQLite), so an old or odd payload (a string where a number was expected)
never makes the query fail.

Describing never fails either: an unknown action, or a known one with a payload of another
shape, gets a generic sentence naming the payload's keys. Labels and names are resolved with
one query per kind (codes, coders, answers) for the whole list, not per event.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable, Optional

from sqlalchemy import and_, or_, select

from workbench.bulk import chunks
from workbench.coding.models import Answer, AuditEvent, Code, Codebook, Coder, Question, Respondent
from workbench.errors import InputError

LANGS = ("da", "en")
CSV_COLUMNS = ["time", "actor", "action", "answer_id", "description", "payload"]
_MEMO_TEXT = 60  # characters of a memo quoted in its description


# -- the entries ----------------------------------------------------------------------------

@dataclass
class _Names:
    """Code labels, coder names and answer references for one list of entries."""

    code_by_id: dict[int, str] = field(default_factory=dict)
    code_by_key: dict[str, str] = field(default_factory=dict)
    coders: dict[int, str] = field(default_factory=dict)
    answers: dict[int, str] = field(default_factory=dict)  # id -> "R0001 q1"


@dataclass
class HistoryEntry:
    """One audit event. ``at`` is timezone-aware (UTC); ``answer_id`` is the answer the
    event concerns, if any."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: Optional[str]
    payload: dict
    answer_id: Optional[int]
    _names: _Names = field(default_factory=_Names, repr=False, compare=False)

    @property
    def who(self) -> str:
        """The person the event is about: the coder named in the payload (a coder's codings
        are written through whoever's login), else the actor."""
        p = self.payload
        for k in ("coder", "by"):
            v = p.get(k)
            if isinstance(v, str) and v:
                return v
        v = p.get("coder_id")
        if isinstance(v, int) and v in self._names.coders:
            return self._names.coders[v]
        return self.actor or "?"

    @property
    def answer_ref(self) -> str:
        """The answer as people name it ("R0001 q1"), or "" when the event concerns none."""
        if self.answer_id is None:
            return ""
        return self._names.answers.get(self.answer_id, f"#{self.answer_id}")

    def describe(self, lang: str = "da") -> str:
        """One readable sentence (Danish by default, or English)."""
        lang = lang if lang in LANGS else "da"
        fn = _DESCRIBE.get(self.action)
        if fn is not None:
            try:
                text = fn(_Ctx(self, lang))
                if text:
                    return text
            except Exception:  # an old or unexpected payload shape: say it generically
                pass
        return _generic(_Ctx(self, lang))


def _answer_of(entity: str, entity_id: Optional[str], action: str, payload: Any) -> Optional[int]:
    if entity == "answer" and entity_id is not None:
        n = _int(entity_id)
        if n is not None:
            return n
    if not isinstance(payload, dict):
        return None
    n = _int(payload.get("answer_id"))
    if n is not None:
        return n
    if action.startswith("memo.") and payload.get("target_type") == "answer":
        return _int(payload.get("target_id"))
    return None


def _int(v: Any) -> Optional[int]:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    return None


# -- querying -------------------------------------------------------------------------------

def _aware(v: date | datetime | str, end: bool = False) -> datetime:
    """A bound as an aware datetime. A date is that day in the local time zone (``end``: the
    start of the next day, so that ``until=date`` includes the whole day); a naive datetime
    is local time."""
    if isinstance(v, str):
        try:
            v = date.fromisoformat(v) if len(v.strip()) == 10 else datetime.fromisoformat(v)
        except ValueError:
            raise InputError(f"{v!r} is not a date (YYYY-MM-DD)") from None
    if not isinstance(v, datetime):
        v = datetime.combine(v + timedelta(days=1) if end else v, time())
    if v.tzinfo is None:
        v = v.astimezone()  # local time zone
    return v.astimezone(timezone.utc)


def _action_filter(prefix: str):
    p = prefix.strip().rstrip("*").rstrip(".")
    if not p:
        return None
    like = p.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%"
    return or_(AuditEvent.action == p, AuditEvent.action.like(like, escape="\\"))


def answer_filter(answer_id: int):
    """The SQL condition "this event concerns answer ``answer_id``" (both dialects)."""
    a = str(int(answer_id))
    return or_(
        and_(AuditEvent.entity == "answer", AuditEvent.entity_id == a),
        AuditEvent.payload["answer_id"].as_string() == a,
        and_(AuditEvent.action.like("memo.%"), AuditEvent.payload["target_type"].as_string() == "answer",
             AuditEvent.payload["target_id"].as_string() == a),
    )


def events(store, *, answer_id: Optional[int] = None, actor: Optional[str] = None, action: Optional[str] = None,
           since: Optional[date | datetime | str] = None, until: Optional[date | datetime | str] = None,
           limit: Optional[int] = None) -> list[HistoryEntry]:
    """The audit events matching every filter given, newest first.

    ``actor``: the login that acted or the coder the event names (a coder's codings are
    logged with the coder in the payload); ``action``: a prefix by dots ("reconcile" finds
    reconcile.decide and reconcile.reopen, not "reconciled"); ``since`` inclusive,
    ``until`` exclusive (a date includes that whole day, in local time).
    """
    q = select(AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.entity,
               AuditEvent.entity_id, AuditEvent.payload)
    if answer_id is not None:
        q = q.where(answer_filter(answer_id))
    if actor:
        q = q.where(or_(AuditEvent.actor == actor, AuditEvent.payload["coder"].as_string() == actor,
                        AuditEvent.payload["by"].as_string() == actor))
    if action:
        cond = _action_filter(action)
        if cond is not None:
            q = q.where(cond)
    if since is not None:
        q = q.where(AuditEvent.at >= _aware(since))
    if until is not None:
        q = q.where(AuditEvent.at < _aware(until, end=True))
    q = q.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if limit is not None:
        if limit < 0:
            raise InputError("the limit must be 0 or more")
        q = q.limit(limit)
    names = _Names()
    out: list[HistoryEntry] = []
    with store.session() as s:
        for i, at, who, act, ent, eid, payload in s.execute(q):
            payload = payload if isinstance(payload, dict) else {"value": payload}
            if at is not None and at.tzinfo is None:
                at = at.replace(tzinfo=timezone.utc)
            out.append(HistoryEntry(i, at, who or "", act or "", ent or "", eid, payload,
                                    _answer_of(ent or "", eid, act or "", payload), names))
        if out:
            _resolve(s, names, out)
    return out


def _resolve(s, names: _Names, entries: list[HistoryEntry]) -> None:
    """Fill the labels and names, one query each."""
    for cid, key, label, active in s.execute(
            select(Code.id, Code.key, Code.label, Codebook.active).join(Codebook, Codebook.id == Code.codebook_id)
            .order_by(Codebook.active, Code.id)):  # the active codebook's keys win
        names.code_by_id[cid] = label
        names.code_by_key[key] = label
    names.coders.update({i: n for i, n in s.execute(select(Coder.id, Coder.name))})
    ids = sorted({e.answer_id for e in entries if e.answer_id is not None})
    for chunk in chunks(ids):
        for aid, rk, qk in s.execute(
                select(Answer.id, Respondent.key, Question.key).join(Respondent, Respondent.id == Answer.respondent_id)
                .join(Question, Question.id == Answer.question_id).where(Answer.id.in_(chunk))):
            names.answers[aid] = f"{rk} {qk}"


def answer_for(store, respondent: str, question: str) -> int:
    """The id of a respondent's answer to a question (by their keys, as in the survey file)."""
    with store.session() as s:
        ids = list(s.execute(
            select(Answer.id).join(Respondent, Respondent.id == Answer.respondent_id)
            .join(Question, Question.id == Answer.question_id)
            .where(Respondent.key == respondent, Question.key == question)).scalars())
    if not ids:
        raise InputError(f"no answer of respondent {respondent!r} to question {question!r}")
    if len(ids) > 1:
        raise InputError(f"respondent {respondent!r} answered {question!r} in {len(ids)} surveys "
                         f"(answers {', '.join(map(str, ids))}); give one with --answer ID")
    return ids[0]


# -- time ----------------------------------------------------------------------------------

def local_time(at: datetime) -> str:
    """An event's time in the local time zone, ISO 8601 to the second."""
    return at.astimezone().isoformat(timespec="seconds")


# -- describing -----------------------------------------------------------------------------

class _Ctx:
    """What a describer needs: the entry, the language, and safe look-ups."""

    def __init__(self, e: HistoryEntry, lang: str):
        self.e, self.lang, self.p, self.n = e, lang, e.payload, e._names
        self.who = e.who

    def t(self, da: str, en: str, **kw: Any) -> str:
        return (da if self.lang == "da" else en).format(who=self.who, **kw)

    def q(self, text: Any) -> str:
        text = "" if text is None else str(text)
        return f"»{text}«" if self.lang == "da" else f"“{text}”"

    def code(self, code_id: Any = None) -> str:
        """A code by id (the payload's code_id by default), quoted."""
        cid = self.p.get("code_id") if code_id is None else code_id
        n = _int(cid)
        if n is not None and n in self.n.code_by_id:
            return self.q(self.n.code_by_id[n])
        return self.q(f"#{cid}" if cid is not None else "?")

    def key(self, key: Any) -> str:
        """A code by key, quoted with its label."""
        return self.q(self.n.code_by_key.get(str(key), str(key)))

    def keys(self, keys: Any) -> str:
        keys = list(keys or [])
        if not keys:
            return self.t("ingen kode", "no code")
        return ", ".join(self.n.code_by_key.get(str(k), str(k)) for k in keys)

    def span(self) -> str:
        st, en = self.p.get("start"), self.p.get("end")
        if st is None or en is None:
            return ""
        return self.t(" (tegn {a}–{b})", " (characters {a}–{b})", a=st, b=en)

    def entity_code(self) -> str:
        """The code an ``code.*`` event is about: its current label, else its key."""
        n = _int(self.e.entity_id)
        if n is not None and n in self.n.code_by_id:
            return self.q(self.n.code_by_id[n])
        return self.key(self.p.get("key", self.e.entity_id))

    def target(self) -> str:
        tt, tid = self.p.get("target_type"), self.p.get("target_id")
        if tt == "answer":
            return self.t("svaret", "the answer")
        if tt == "code":
            return self.t("koden {c}", "the code {c}", c=self.code(tid))
        if tt == "project":
            return self.t("projektet", "the project")
        return f"{tt} {tid}"

    def pl(self, n: Any, da: tuple[str, str], en: tuple[str, str]) -> str:
        """``n`` and the noun, singular for 1."""
        one, many = da if self.lang == "da" else en
        return f"{n} {one if n == 1 else many}"

    def count(self, v: Any) -> Any:
        return len(v) if isinstance(v, (list, tuple, dict)) else (v if v is not None else 0)


def _generic(c: _Ctx) -> str:
    keys = ", ".join(sorted(map(str, c.p))) if c.p else ""
    if c.lang == "da":
        return f"{c.who}: {c.e.action}" + (f" (felter: {keys})" if keys else "")
    return f"{c.who}: {c.e.action}" + (f" (fields: {keys})" if keys else "")


def _apply(c: _Ctx) -> str:
    via = c.t(" (forslag)", " (suggestion)") if c.p.get("source") == "suggestion" else ""
    return c.t("{who} satte koden {code} på svaret{span}{via}",
               "{who} applied the code {code} to the answer{span}{via}", code=c.code(), span=c.span(), via=via)


def _remove(c: _Ctx) -> str:
    text = c.t("{who} fjernede koden {code} fra svaret{span}", "{who} removed the code {code} from the answer{span}",
               code=c.code(), span=c.span())
    if c.p.get("uncoded"):
        text += c.t(" (ingen kode tilbage: svaret er ikke kodet længere)",
                    " (no code left: the answer is not coded any more)")
    return text


def _memo_save(c: _Ctx) -> str:
    text = str(c.p.get("text") or "").replace("\n", " ").strip()
    if len(text) > _MEMO_TEXT:
        text = text[:_MEMO_TEXT - 1] + "…"
    return c.t("{who} skrev et notat på {target}: {text}", "{who} wrote a memo on {target}: {text}",
               target=c.target(), text=c.q(text))


def _basis(c: _Ctx, basis: Any) -> str:
    names = {"agreed": ("enighed", "agreement"), "union": ("alle koderes koder", "union"),
             "manual": ("manuelt", "manual"), "none": ("ingen kode gælder", "no code applies")}
    if basis in names:
        return names[basis][0 if c.lang == "da" else 1]
    return "?" if basis is None else str(basis)


def _decide(c: _Ctx) -> str:
    new = c.p.get("new") or {}
    codes = c.keys(new.get("codes"))
    basis = _basis(c, new.get("basis", c.p.get("basis")))
    if c.p.get("auto"):
        text = c.t("{who} besluttede automatisk: {codes} (grundlag: {basis})",
                   "{who} decided automatically: {codes} (basis: {basis})", codes=codes, basis=basis)
    else:
        text = c.t("{who} besluttede: {codes} (grundlag: {basis})", "{who} decided: {codes} (basis: {basis})",
                   codes=codes, basis=basis)
    prev = c.p.get("previous")
    if isinstance(prev, dict):
        text += c.t(", før: {old}", ", before: {old}", old=c.keys(prev.get("codes")))
    if c.p.get("note"):
        text += c.t(" – note: {note}", " – note: {note}", note=c.q(c.p["note"]))
    return text


def _reopen(c: _Ctx) -> str:
    prev = c.p.get("previous") or {}
    return c.t("{who} genåbnede svaret (beslutningen {codes} blev fjernet)",
               "{who} reopened the answer (the decision {codes} was removed)", codes=c.q(c.keys(prev.get("codes"))))


def _merge(c: _Ctx) -> str:
    text = c.t("{who} flettede {src} ind i {tgt}: {n} flyttet", "{who} merged {src} into {tgt}: {n} moved",
               src=c.key(c.p.get("source")), tgt=c.key(c.p.get("target")),
               n=c.pl(c.count(c.p.get("moved")), ("kodning", "kodninger"), ("coding", "codings")))
    dropped = c.count(c.p.get("dropped"))
    if dropped:
        text += c.t(", {d} fjernet", ", {d} dropped", d=c.pl(dropped, ("dublet", "dubletter"),
                                                                  ("duplicate", "duplicates")))
    return text


def _rename(c: _Ctx) -> str:
    old, new = c.p.get("old") or {}, c.p.get("new") or {}
    return c.t("{who} omdøbte koden {old} til {new}", "{who} renamed the code {old} to {new}",
               old=c.q(old.get("label")), new=c.q(new.get("label")))


def _code_event(da: str, en: str) -> Callable[[_Ctx], str]:
    return lambda c: c.t(da, en, code=c.entity_code())


def _simple(da: str, en: str, **fields: Callable[[_Ctx], Any]) -> Callable[[_Ctx], str]:
    return lambda c: c.t(da, en, **{k: f(c) for k, f in fields.items()})


def _p(key: str, default: Any = "?") -> Callable[[_Ctx], Any]:
    return lambda c: c.p.get(key, default)


def _n(key: str) -> Callable[[_Ctx], Any]:
    return lambda c: c.count(c.p.get(key))


# What the history's "action" column says: the kind of event in words (the log's own name,
# e.g. ``coding.apply``, is for ``workbench log --action``).
ACTION_NAMES: dict[str, tuple[str, str]] = {
    "coding.apply": ("Kode sat på", "Code applied"), "coding.remove": ("Kode fjernet", "Code removed"),
    "codings.import": ("Kodninger importeret", "Codings imported"),
    "answer.coded": ("Markeret kodet", "Marked coded"), "answer.uncoded": ("Markeret ikke kodet", "Marked not coded"),
    "answer.flag": ("Flag sat", "Flagged"), "answer.unflag": ("Flag fjernet", "Unflagged"),
    "memo.save": ("Notat skrevet", "Memo written"), "memo.delete": ("Notat slettet", "Memo deleted"),
    "suggestion.accepted": ("Forslag accepteret", "Suggestion accepted"),
    "suggestion.rejected": ("Forslag afvist", "Suggestion rejected"),
    "suggestion.skipped": ("Forslag sprunget over", "Suggestion skipped"),
    "suggestion.undo": ("Vurdering fortrudt", "Verdict undone"),
    "quote.star": ("Citat valgt", "Quote picked"), "quote.unstar": ("Citat fravalgt", "Quote unpicked"),
    "reconcile.decide": ("Afgørelse", "Decision"), "reconcile.reopen": ("Afgørelse genåbnet", "Decision reopened"),
    "reconcile.auto_merge": ("Enige svar flettet", "Agreed answers merged"),
    "code.create": ("Kode oprettet", "Code created"), "code.rename": ("Kode omdøbt", "Code renamed"),
    "code.recolour": ("Ny farve", "Recoloured"), "code.shortcut": ("Ny genvej", "New shortcut"),
    "code.move": ("Kode flyttet", "Code moved"), "code.retire": ("Kode udfaset", "Code retired"),
    "code.unretire": ("Kode i brug igen", "Code back in use"), "code.delete": ("Kode slettet", "Code deleted"),
    "code.merge": ("Koder flettet", "Codes merged"), "code.unmerge": ("Fletning fortrudt", "Merge undone"),
    "code.restore": ("Kode genskabt", "Code restored"), "codebook.import": ("Kodebog importeret", "Codebook imported"),
    "codebook.install": ("Kodebog installeret", "Codebook installed"), "coder.create": ("Ny koder", "New coder"),
    "demo.create": ("Demoprojekt oprettet", "Demo project created"),
    "pii.allow": ("Personoplysning tilladt", "Personal data allowed"),
    "pii.pseudonymise": ("Pseudonymiseret", "Pseudonymised"), "pii.scan": ("Personoplysninger søgt", "Personal data scan"),
    "project.create": ("Projekt oprettet", "Project created"), "project.merge": ("Projekt flettet", "Project merged"),
    "project.offline_copy": ("Offlinekopi", "Offline copy"), "project.settings": ("Indstillinger", "Settings"),
    "project.upgrade": ("Projekt opgraderet", "Project upgraded"), "refi.import": ("REFI-QDA importeret", "REFI-QDA imported"),
    "round.create": ("Kodningsrunde oprettet", "Coding round created"),
    "round.release": ("Kodningsrunde frigivet", "Coding round released"),
    "survey.create": ("Survey oprettet", "Survey created"), "survey.import": ("Survey importeret", "Survey imported"),
    "team.add_user": ("Bruger tilføjet", "User added"),
}


def action_name(action: str, lang: str = "da") -> str:
    """An audit action in words ("Kode sat på" for ``coding.apply``); an unknown one as itself."""
    names = ACTION_NAMES.get(action)
    if names is None:
        return action
    return names[0 if lang == "da" else 1]


_DESCRIBE: dict[str, Callable[[_Ctx], str]] = {
    "coding.apply": _apply,
    "coding.remove": _remove,
    "codings.import": lambda c: c.t(
        "{who} importerede {n} på {a} svar fra {f}", "{who} imported {n} on {a} answers from {f}",
        n=c.pl(c.count(c.p.get("codings")), ("kodning", "kodninger"), ("coding", "codings")),
        a=c.count(c.p.get("answers")), f=c.e.entity_id or "?"),
    "answer.coded": _simple("{who} markerede svaret som kodet", "{who} marked the answer as coded"),
    "answer.uncoded": _simple("{who} markerede svaret som ikke kodet", "{who} marked the answer as not coded"),
    "answer.flag": _simple("{who} satte flag ved svaret", "{who} flagged the answer"),
    "answer.unflag": _simple("{who} fjernede flaget fra svaret", "{who} unflagged the answer"),
    "memo.save": _memo_save,
    "memo.delete": lambda c: c.t("{who} slettede sit notat på {target}", "{who} deleted their memo on {target}",
                                 target=c.target()),
    "suggestion.accepted": _simple("{who} accepterede forslaget {code}", "{who} accepted the suggestion {code}",
                                   code=lambda c: c.code()),
    "suggestion.rejected": _simple("{who} afviste forslaget {code}", "{who} rejected the suggestion {code}",
                                   code=lambda c: c.code()),
    "suggestion.skipped": _simple("{who} sprang forslaget {code} over", "{who} skipped the suggestion {code}",
                                  code=lambda c: c.code()),
    "suggestion.undo": _simple("{who} fortrød sin vurdering af forslaget {code}",
                               "{who} undid their verdict on the suggestion {code}", code=lambda c: c.code()),
    "quote.star": _simple("{who} valgte {code} som citat", "{who} picked {code} as a quote", code=lambda c: c.code()),
    "quote.unstar": _simple("{who} fravalgte {code} som citat", "{who} unpicked {code} as a quote",
                            code=lambda c: c.code()),
    "reconcile.decide": _decide,
    "reconcile.reopen": _reopen,
    "reconcile.auto_merge": _simple(
        "{who} besluttede {m} enige svar automatisk ({r} opdateret, {o} stadig åbne)",
        "{who} decided {m} agreed answers automatically ({r} refreshed, {o} still open)",
        m=_p("merged", 0), r=_p("refreshed", 0), o=_p("open", 0)),
    "code.create": lambda c: c.t("{who} oprettede koden {code}", "{who} created the code {code}",
                                 code=c.q(c.p.get("label") or c.p.get("key"))),
    "code.rename": _rename,
    "code.recolour": _code_event("{who} gav koden {code} en ny farve", "{who} recoloured the code {code}"),
    "code.shortcut": lambda c: c.t("{who} gav koden {code} genvejen {k}", "{who} gave the code {code} the shortcut {k}",
                                   code=c.entity_code(), k=c.q(c.p.get("new") or "–")),
    "code.move": _code_event("{who} flyttede koden {code}", "{who} moved the code {code}"),
    "code.retire": _code_event("{who} udfasede koden {code}", "{who} retired the code {code}"),
    "code.unretire": _code_event("{who} tog koden {code} i brug igen", "{who} brought back the code {code}"),
    "code.delete": lambda c: c.t("{who} slettede koden {code}", "{who} deleted the code {code}",
                                 code=c.q((c.p.get("snapshot") or {}).get("label") or c.p.get("key"))),
    "code.restore": _code_event("{who} gendannede koden {code}", "{who} restored the code {code}"),
    "code.merge": _merge,
    "code.unmerge": lambda c: c.t("{who} fortrød fletningen af {src} ind i {tgt}",
                                  "{who} undid the merge of {src} into {tgt}",
                                  src=c.key(c.p.get("source")), tgt=c.key(c.p.get("target"))),
    "pii.scan": _simple("{who} søgte efter personoplysninger i {a} svar: {n} nye fund",
                        "{who} searched {a} answers for personal data: {n} new findings",
                        a=_p("answers", 0), n=_p("added", 0)),
    "pii.pseudonymise": _simple("{who} pseudonymiserede {n} fund i {a} svar",
                                "{who} pseudonymised {n} findings in {a} answers", n=_n("findings"), a=_n("answers")),
    "pii.allow": lambda c: c.t("{who} tillod {n} fund af personoplysninger", "{who} allowed {n} personal-data findings",
                               n=c.count(c.p.get("findings")) if "findings" in c.p else 1),
    "round.create": _simple("{who} oprettede runden {name}: {a} svar til {coders}",
                            "{who} created the round {name}: {a} answers for {coders}",
                            name=lambda c: c.q(c.p.get("name")), a=_p("answers", 0),
                            coders=lambda c: ", ".join(map(str, c.p.get("coders") or []))),
    "round.release": _simple("{who} frigav runden {name}", "{who} released the round {name}",
                             name=lambda c: c.q(c.p.get("name"))),
    "survey.import": _simple("{who} importerede {f}: {r} respondenter, {a} svar",
                             "{who} imported {f}: {r} respondents, {a} answers",
                             f=lambda c: c.e.entity_id or "?", r=_p("respondents", 0), a=_p("answers", 0)),
    "survey.create": _simple("{who} oprettede surveyen {name} {year}", "{who} created the survey {name} {year}",
                             name=_p("name"), year=_p("year", "")),
    "survey.update": _simple("{who} opdaterede surveyens definition for {name} {year} (spørgsmål: {q})",
                             "{who} updated the survey definition of {name} {year} (questions: {q})",
                             name=_p("name"), year=_p("year", ""),
                             q=lambda c: ", ".join(map(str, c.p.get("questions") or []))),
    "codebook.install": _simple("{who} installerede kodebogen {k} {v}", "{who} installed the codebook {k} {v}",
                                k=_p("key"), v=_p("version", "")),
    "codebook.import": _simple("{who} importerede kodebogen {k} fra {f} ({n} koder)",
                               "{who} imported the codebook {k} from {f} ({n} codes)",
                               k=_p("codebook"), f=lambda c: c.e.entity_id or "?", n=_p("codes", 0)),
    "coder.create": _simple("{who} tilføjede personen {name} ({role})", "{who} added the person {name} ({role})",
                            name=_p("name"), role=_p("role", "")),
    "team.add_user": _simple("{who} tilføjede brugeren {name} ({role})", "{who} added the user {name} ({role})",
                             name=_p("name"), role=_p("role", "")),
    "project.create": _simple("{who} oprettede projektet {name}", "{who} created the project {name}",
                              name=_p("name", "")),
    "project.settings": lambda c: c.t("{who} ændrede indstillingerne: {keys}", "{who} changed the settings: {keys}",
                                      keys=", ".join(f"{k}={v}" for k, v in sorted(c.p.items()))),
    "project.merge": _simple("{who} flettede kopien {f} ind: {a} tilføjet, {u} opdateret, {k} konflikter",
                             "{who} merged the copy {f}: {a} added, {u} updated, {k} conflicts",
                             f=lambda c: c.e.entity_id or "?", a=_p("added", 0), u=_p("updated", 0),
                             k=_p("conflicts", 0)),
    "project.upgrade": _simple("{who} opgraderede projektets skema fra {a} til {b} (sikkerhedskopi: {k})",
                               "{who} upgraded the project's schema from {a} to {b} (backup: {k})",
                               a=_p("from"), b=_p("to"), k=_p("backup", "—")),
    "project.offline_copy": _simple("{who} tog en offline-kopi af {src}", "{who} took an offline copy of {src}",
                                    src=_p("source", "")),
    "refi.import": _simple("{who} importerede REFI-QDA-projektet {f}", "{who} imported the REFI-QDA project {f}",
                           f=lambda c: c.e.entity_id or "?"),
    "demo.create": _simple("{who} oprettede demoprojektet", "{who} created the demo project"),
}
