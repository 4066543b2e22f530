"""One fetch at a time per database: an advisory lock file beside the database.

flock() locks are released by the kernel when the holding process dies, however it dies
(SIGKILL included), so a lock left by a killed run never blocks the next one: the file may stay,
the lock does not.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from callwatch.errors import CallwatchError

EXIT_LOCKED = 75  # EX_TEMPFAIL: cron can tell "busy, try later" from "failed"


class FetchLocked(CallwatchError):
    exit_code = EXIT_LOCKED


class FetchLock:
    def __init__(self, db_path: Path) -> None:
        # the real path: a symlink to the same database finds the same lock
        self.path = Path(str(Path(db_path).resolve()) + ".fetch.lock")
        self._fd: int | None = None

    def __enter__(self) -> FetchLock:
        import fcntl

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise CallwatchError(
                f"{self.path}: cannot create the fetch lock ({e.strerror})"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = ""
            try:
                info = json.loads(os.pread(fd, 200, 0) or b"{}")
                holder = f" (pid {info.get('pid')}, since {info.get('since', '?')[:19]})"
            except (OSError, ValueError):
                pass
            os.close(fd)
            raise FetchLocked(f"another fetch is running on this database{holder}") from None
        os.ftruncate(fd, 0)
        os.pwrite(
            fd, json.dumps({"pid": os.getpid(), "since": datetime.now(UTC).isoformat()}).encode(), 0
        )
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        import fcntl

        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
