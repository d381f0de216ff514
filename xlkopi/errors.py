"""The exception tree of xlkopi.

Every error a user can cause derives from :class:`XlkopiError` and carries a
Danish message that names what is wrong (the argument, field, sheet/cell or
row), because procurement staff read these messages in Excel cells, terminal
output and overview workbooks.

``XlkopiError``
    ``InputError``       a value given by the user is not acceptable
        ``ArgumentError``    ... a function argument (names the argument)
        ``FieldError``       ... a field of a row in an input file (sheet, row, field)
    ``RuleError``        the inputs are valid but the contract rules forbid the request
                         (e.g. an operational buyout before month 24)
    ``WorkbookError``    a workbook cannot be read or written
        ``UntrustedFileError``  a file refused for safety (zip bomb, encryption, ...)
    ``ConvergenceError`` a root finder found no rate
"""

from __future__ import annotations


class XlkopiError(ValueError):
    """Base class; ``str(err)`` is a complete Danish message for the user."""


class InputError(XlkopiError):
    """A value supplied by the user is not acceptable."""


class ArgumentError(InputError):
    """A function argument is not acceptable.

    >>> str(ArgumentError("years", "skal være større end 0", got=0))
    "Argumentet 'years' skal være større end 0 (fik 0)"
    """

    def __init__(self, argument: str, problem: str, got: object = ..., function: str | None = None):
        self.argument = argument
        self.problem = problem
        self.got = got
        self.function = function
        where = f"{function}: " if function else ""
        shown = "" if got is ... else f" (fik {_shown(got)})"
        super().__init__(f"{where}Argumentet '{argument}' {problem}{shown}")

    def in_function(self, function: str) -> "ArgumentError":
        """The same error, told as coming from worksheet function ``function``."""
        return ArgumentError(self.argument, self.problem, self.got, function)


def _shown(value: object) -> str:
    # Imported here: the vocabulary raises these errors, so it cannot be imported before them.
    from .core.vocabulary import shown

    return shown(value)


class FieldError(InputError):
    """A field of a row in an input file is not acceptable.

    >>> str(FieldError("Institutioner", 7, "CVR", "er ikke et gyldigt CVR-nummer"))
    "Ark 'Institutioner', række 7, felt 'CVR': er ikke et gyldigt CVR-nummer"
    """

    def __init__(self, sheet: str, row: int | None, field: str | None, problem: str):
        self.sheet, self.row, self.field, self.problem = sheet, row, field, problem
        parts = [f"Ark '{sheet}'"]
        if row is not None:
            parts.append(f"række {row}")
        if field is not None:
            parts.append(f"felt '{field}'")
        super().__init__(", ".join(parts) + f": {problem}")

    @classmethod
    def from_argument(cls, err: ArgumentError, sheet: str, row: int | None, field: str | None) -> "FieldError":
        """An argument error told as a field of a row: the same problem and the value it got."""
        got = "" if err.got is ... else f" (fik {_shown(err.got)})"
        return cls(sheet, row, field, err.problem + got)


class RuleError(XlkopiError):
    """The request is well-formed but the contract rules do not allow it."""


class WorkbookError(XlkopiError):
    """A workbook cannot be read or written."""


class UntrustedFileError(WorkbookError):
    """A file was refused for safety reasons (size, ratio, encryption, entities)."""


class ConvergenceError(XlkopiError):
    """No rate solves the equation within the searched interval."""
