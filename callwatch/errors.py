"""Typed errors. A CallwatchError carries a message written for the user and is printed as one
line by the CLI; anything else is a bug and keeps its traceback."""

from __future__ import annotations


class CallwatchError(Exception):
    """An expected failure with a one-line message for the user."""

    exit_code = 1

    def __init__(self, message: object = "", *args: object) -> None:
        from callwatch.safe import text

        # messages quote funder data (ids, values): one line, no control characters, always
        super().__init__(text(message), *args)


class SourceError(CallwatchError):
    """A source could not be fetched or its response could not be understood."""

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        super().__init__(f"{source}: {message}")


class ParseError(SourceError):
    """A response did not have the structure the source's parser expects."""


class StructureError(ParseError):
    """A response lacks what its parser needs (a field, the listing's links): the source has
    probably changed its layout, so `sources check` reports it as broken rather than failed."""


class ConfigError(CallwatchError):
    """A sources/ or rules/ file is missing or invalid; the message names file and key."""


class StoreError(CallwatchError):
    """The database cannot be opened or written."""


class NotFoundError(CallwatchError):
    """An id or name given by the user does not exist."""


class ImportDataError(CallwatchError):
    """An import file has an invalid line; nothing was written."""


class UsageError(CallwatchError):
    """The command line itself is wrong (an impossible combination or period); exit 2 like
    any other usage error."""

    exit_code = 2
