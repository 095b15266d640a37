"""The exception tree. Every message is one line a user can act on."""


class NewsEventsError(Exception):
    """Base of every error newsevents raises on purpose."""


class InputError(NewsEventsError):
    """A document that cannot be read; the message names the file."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class SettingsError(NewsEventsError):
    """A settings file or value that cannot be used."""


class StoreError(NewsEventsError):
    """The database cannot be opened or migrated."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class DatabaseLocked(StoreError):
    """Another process has the database open (DuckDB lets one process write a file)."""


class NotOurDatabase(StoreError):
    """The file is not a DuckDB database, or a DuckDB database that is not newsevents'."""


class NewerDatabase(StoreError):
    """The database's schema is newer than this version of newsevents knows."""


class CannotWrite(StoreError):
    """The database, or the folder it would be written in, cannot be written."""


class ModelError(NewsEventsError):
    """A model cannot be loaded: the spaCy model named in the settings, or the learned
    coder's files. `setting` names the setting that chose it, when one did."""

    def __init__(self, message: str, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting


class DictionaryError(NewsEventsError):
    """A dictionary line that cannot be read; the message names the file and line."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


def raise_or_collect(error: DictionaryError, errors: list[DictionaryError] | None) -> None:
    """Readers of upstream dictionaries with known defects collect bad lines; all others raise."""
    if errors is None:
        raise error
    errors.append(error)


class QueryError(NewsEventsError):
    """A filter or option value that cannot be used; the message names the option."""

    def __init__(self, option: str, reason: str) -> None:
        super().__init__(f"{option}: {reason}")
        self.option = option
        self.reason = reason


class ExportError(NewsEventsError):
    """An export that cannot be written; the message names the file."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}" if path is not None else reason)
        self.path = None if path is None else str(path)
        self.reason = reason
