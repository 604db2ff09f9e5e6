"""Project URLs as they may be shown: a PostgreSQL URL's password never reaches a message,
a printout, a settings file or the audit log.

A neutral module (no project imports) so that the store, the command line, the merge and
the team functions all use this one implementation.
"""
from __future__ import annotations

import re


def without_password(project) -> str:
    """A project path or URL as it may be shown, printed or remembered: a URL loses its
    password (which belongs in ~/.pgpass or PGPASSWORD, not in anything the workbench writes)."""
    s = str(project)
    if "://" not in s:
        return s
    from sqlalchemy.engine import URL, make_url

    try:
        u = make_url(s)
    except Exception:  # not a URL SQLAlchemy understands: drop whatever sits between ':' and '@'
        return re.sub(r"^([^:/]+://[^:/@]*):[^@]*@", r"\1@", s)
    if u.password is None:
        return s
    return URL.create(u.drivername, u.username, None, u.host, u.port, u.database,
                      u.query).render_as_string(hide_password=False)


def hide_password(message: str, project) -> str:
    """``message`` (say an error that quotes the project) with the URL's password as ***."""
    s = str(project)
    if "://" not in s:
        return message
    from sqlalchemy.engine import make_url

    try:
        pw = make_url(s).password
    except Exception:
        m = re.match(r"^[^:/]+://[^:/@]*:([^@]*)@", s)
        pw = m.group(1) if m else None
    if not pw:
        return message
    from urllib.parse import quote

    message = message.replace(s, without_password(s))
    for form in {str(pw), quote(str(pw), safe="")}:  # quoted elsewhere in the message, too
        message = message.replace(form, "***")
    return message
