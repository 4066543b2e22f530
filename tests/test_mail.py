"""A report e-mailed to a real SMTP server (aiosmtpd) started on localhost by the test."""

import email
import email.policy
import socket
import stat

import pytest

from tests.conftest import cli, profile_ids
from tests.test_report_decide import APRIL

aiosmtpd = pytest.importorskip("aiosmtpd")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("CALLWATCH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CALLWATCH_SMTP_PORT", str(port))
    monkeypatch.setenv("CALLWATCH_SMTP_STARTTLS", "0")
    monkeypatch.delenv("CALLWATCH_SMTP_USER", raising=False)
    monkeypatch.delenv("CALLWATCH_SMTP_PASSWORD", raising=False)
    yield inbox, port
    controller.stop()


def test_report_arrives_with_both_parts(offline_db, smtp, tmp_path):
    inbox, _ = smtp
    out = tmp_path / "umea.html"
    r = cli(
        "--db", offline_db, "report", "--kommun", "Umeå", "--format", "html", "--out", out,
        "--mail-to", "anna@example.se, per@example.se", "--mail-from", "callwatch@example.se",
        *APRIL,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    [(sender, rcpts, raw)] = inbox.messages
    assert sender == "callwatch@example.se" and rcpts == ["anna@example.se", "per@example.se"]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == "Utlysningar för Umeå, vecka 15"
    assert msg.get_content_type() == "multipart/alternative"
    plain_part, html_part = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain_part and html_part
    plain, html = plain_part.get_content(), html_part.get_content()
    assert plain.startswith("# Utlysningar för Umeå") and "## Att besluta (1)" in plain
    assert "callwatch mark" in plain and "Klimatneutrala städer" in plain
    assert "<h1>Utlysningar för Umeå</h1>" in html
    assert 'href="https://www.energimyndigheten.se/utlysningar/gemensam-acceleration' in html
    assert "(https://www.energimyndigheten.se/utlysningar/gemensam-acceleration" in plain


def test_every_kommun_in_one_run(offline_db, smtp, tmp_path):
    inbox, _ = smtp
    folder = tmp_path / "reports"
    r = cli(
        "--db", offline_db, "report", "--every-kommun", "--out", folder,
        "--mail-to", "natverket@example.se", "--mail-from", "callwatch@example.se", *APRIL,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(f"{pid}.md" for pid in profile_ids())
    subjects = sorted(
        email.message_from_bytes(raw, policy=email.policy.default)["Subject"]
        for _, _, raw in inbox.messages
    )
    assert len(subjects) == len(profile_ids())
    assert "Utlysningar för Västerås, vecka 15" in subjects


def test_failing_send_exits_non_zero_and_keeps_the_file(offline_db, monkeypatch, tmp_path):
    monkeypatch.setenv("CALLWATCH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CALLWATCH_SMTP_PORT", str(free_port()))  # nobody listens
    monkeypatch.setenv("CALLWATCH_SMTP_STARTTLS", "0")
    monkeypatch.setenv("CALLWATCH_SMTP_USER", "callwatch@example.se")
    monkeypatch.setenv("CALLWATCH_SMTP_PASSWORD", "s3cret-Pa55")
    out = tmp_path / "umea.md"
    r = cli("--db", offline_db, "report", "--kommun", "umea", "--out", out,
            "--mail-to", "anna@example.se", *APRIL)  # fmt: skip
    assert r.exit_code == 1
    assert out.read_text(encoding="utf-8").startswith("# Utlysningar för Umeå")
    assert "127.0.0.1" in r.stderr and "s3cret" not in r.output + r.stderr


def test_login_only_with_a_user_and_password_never_shown(offline_db, smtp, monkeypatch, tmp_path):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append((auth_data.login, auth_data.password))
        ok = auth_data.password == b"right"
        return AuthResult(success=ok, handled=False)  # not handled: the server answers 535

    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
        auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    try:
        monkeypatch.setenv("CALLWATCH_SMTP_PORT", str(port))
        monkeypatch.setenv("CALLWATCH_SMTP_USER", "callwatch@example.se")
        monkeypatch.setenv("CALLWATCH_SMTP_PASSWORD", "wrong")
        r = cli(
            "--db", offline_db, "report", "--kommun", "umea", "--mail-to", "a@example.se", *APRIL
        )
        assert r.exit_code == 1 and "login as 'callwatch@example.se' refused" in r.stderr
        assert "wrong" not in r.output + r.stderr and not inbox.messages
        monkeypatch.setenv("CALLWATCH_SMTP_PASSWORD", "right")
        r = cli(
            "--db", offline_db, "report", "--kommun", "umea", "--mail-to", "a@example.se", *APRIL
        )
        assert r.exit_code == 0, r.output
        assert seen[-1] == (b"callwatch@example.se", b"right") and len(inbox.messages) == 1
    finally:
        controller.stop()


def test_settings_from_the_keys_file(offline_db, smtp, monkeypatch, tmp_path):
    inbox, port = smtp
    for name in ("HOST", "PORT", "STARTTLS"):
        monkeypatch.delenv(f"CALLWATCH_SMTP_{name}")
    keys = tmp_path / "keys.toml"
    keys.write_text(
        f'CALLWATCH_SMTP_HOST = "127.0.0.1"\nCALLWATCH_SMTP_PORT = {port}\n'
        "CALLWATCH_SMTP_STARTTLS = false\n",
        encoding="utf-8",
    )
    keys.chmod(stat.S_IRUSR | stat.S_IWUSR)
    monkeypatch.setenv("CALLWATCH_KEYS", str(keys))
    r = cli("--db", offline_db, "report", "--network", "--mail-to", "a@example.se",
            "--mail-from", "b@example.se", *APRIL)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert len(inbox.messages) == 1


def test_no_smtp_host_is_one_line(offline_db, monkeypatch):
    monkeypatch.delenv("CALLWATCH_SMTP_HOST", raising=False)
    monkeypatch.setenv("CALLWATCH_KEYS", "/nonexistent/keys.toml")
    r = cli("--db", offline_db, "report", "--kommun", "umea", "--mail-to", "a@example.se", *APRIL)
    assert r.exit_code == 1 and "CALLWATCH_SMTP_HOST" in r.stderr
