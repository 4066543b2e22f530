"""Delivery: a report as one e-mail (HTML with the markdown as its plain-text part) over SMTP.

Configuration comes from the environment or the keys file (same names): CALLWATCH_SMTP_HOST,
CALLWATCH_SMTP_PORT (default 587 with STARTTLS, else 25; 465 means TLS from the start),
CALLWATCH_SMTP_USER, CALLWATCH_SMTP_PASSWORD and CALLWATCH_SMTP_STARTTLS (1/0, default 1 on
port 587). Without a user there is no login. The password is only handed to smtplib: never
stored, printed or put in an error message. The standard library's smtplib and email packages
do the work; nothing else is needed.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from callwatch import clock
from callwatch.errors import CallwatchError, ConfigError

PREFIX = "CALLWATCH_SMTP_"
TIMEOUT = 60


@dataclass
class SmtpConfig:
    host: str
    port: int
    user: str = ""
    starttls: bool = True
    password: str = field(default="", repr=False)  # never shown


def _setting(name: str, keys: dict[str, str]) -> str:
    return (os.environ.get(PREFIX + name) or keys.get(PREFIX + name) or "").strip()


def config() -> SmtpConfig:
    from callwatch.paths import read_keys

    names = ("HOST", "PORT", "USER", "PASSWORD", "STARTTLS")
    keys = {} if all(os.environ.get(PREFIX + n) for n in names) else read_keys()
    host = _setting("HOST", keys)
    if not host:
        raise ConfigError(
            "sending mail needs CALLWATCH_SMTP_HOST (in the environment or the keys file)"
        )
    tls_raw = _setting("STARTTLS", keys).lower()
    port_raw = _setting("PORT", keys)
    try:
        port = int(port_raw) if port_raw else 0
    except ValueError:
        raise ConfigError(f"CALLWATCH_SMTP_PORT={port_raw!r} is not a port number") from None
    if tls_raw in ("", "auto"):
        starttls = port in (0, 587)
    elif tls_raw in ("1", "true", "yes", "on"):
        starttls = True
    elif tls_raw in ("0", "false", "no", "off"):
        starttls = False
    else:
        raise ConfigError(f"CALLWATCH_SMTP_STARTTLS={tls_raw!r}: use 1 or 0")
    port = port or (587 if starttls else 25)
    return SmtpConfig(
        host, port, _setting("USER", keys), starttls, password=_setting("PASSWORD", keys)
    )


def build_message(
    subject: str, plain: str, html: str, sender: str, recipients: list[str]
) -> EmailMessage:
    """multipart/alternative: the markdown as text/plain first, the HTML page second (mail
    programs show the last part they can render)."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(clock.now())
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "callwatch.invalid")
    msg.set_content(plain, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg


def send(msg: EmailMessage, cfg: SmtpConfig) -> None:
    """Send one message; any failure is one CallwatchError naming the server, not the secret."""
    where = f"{cfg.host}:{cfg.port}"
    try:
        if cfg.port == 465:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                cfg.host, cfg.port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(cfg.host, cfg.port, timeout=TIMEOUT)
        with server:
            server.ehlo()
            if cfg.starttls and cfg.port != 465:
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            if cfg.user:
                server.login(cfg.user, cfg.password)
            refused = server.send_message(msg)
    except smtplib.SMTPAuthenticationError as e:
        raise CallwatchError(
            f"mail via {where}: login as {cfg.user!r} refused ({e.smtp_code})"
        ) from None
    except (smtplib.SMTPException, OSError, ssl.SSLError) as e:
        text = str(e).replace(cfg.password, "***") if cfg.password else str(e)
        raise CallwatchError(f"mail via {where} failed: {type(e).__name__}: {text}") from None
    if refused:
        raise CallwatchError(f"mail via {where}: refused for {', '.join(sorted(refused))}")


def send_report(
    report: object, plain: str, html: str, recipients: list[str], sender: str | None = None
) -> None:
    from callwatch.report_text import iso_week, words

    cfg = config()
    sender = sender or (cfg.user if "@" in cfg.user else "")
    if not sender:
        raise ConfigError("give --mail-from ADDR (the SMTP user is not an e-mail address)")
    t = words(report.lang)  # type: ignore[attr-defined]
    subject = t["mail_subject"].format(title=report.title, week=iso_week(report.today))  # type: ignore[attr-defined]
    send(build_message(subject, plain, html, sender, recipients), cfg)
