"""E-mail drafts (.eml) for enrolments, built with the standard-library ``email`` package.

A draft is deterministic: no Date header (the mail program sets it when the
draft is sent), a Message-ID and MIME boundary derived from the content,
so a rerun with the same inputs gives the same bytes. ``X-Unsent: 1`` makes
Outlook open the file as a draft ready to send.
"""

from __future__ import annotations

import binascii
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.generator import NLCRE, BytesGenerator  # type: ignore[attr-defined]  # NLCRE: not in typeshed
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import Compat32
from email.utils import formataddr

from .names import one_line
from .validate import ascii_email


def _text_part(body: str) -> MIMENonMultipart:
    """The text/plain part, UTF-8 in 8bit (what ``MIMEText(body, "plain", utf8_8bit)`` gives, cheaper)."""
    part = MIMENonMultipart("text", "plain", charset="utf-8")
    part["Content-Transfer-Encoding"] = "8bit"
    # raw UTF-8 bytes held as surrogate escapes: BytesGenerator writes them back unchanged
    part.set_payload(body.encode("utf-8").decode("ascii", "surrogateescape"))
    return part


def _base64_lines(data: bytes):
    """An encoder that sets ``data`` as base64 in 76-character lines (``encode_base64``'s output, faster)."""
    def encode(part) -> None:
        text = binascii.b2a_base64(data, newline=False).decode("ascii")
        part.set_payload("\n".join([text[i:i + 76] for i in range(0, len(text), 76)]))
        part["Content-Transfer-Encoding"] = "base64"
    return encode


class _Generator(BytesGenerator):
    """``BytesGenerator`` writing each body in one piece.

    The stock ``_write_lines`` writes a base64 attachment line by line (two
    writes per 76 characters), the main cost of a draft; converting all line
    endings at once gives the same bytes.
    """

    _NL: str  # set by Generator.flatten (the policy's linesep); not in typeshed, which omits private names

    def _write_lines(self, lines: str) -> None:
        if lines:
            self.write(lines.replace("\n", self._NL) if "\r" not in lines else NLCRE.sub(self._NL, lines))


class _Policy(Compat32):
    """``compat32`` with CRLF line ends that writes plain ASCII headers on one line.

    RFC 5322 allows lines up to 998 characters; folding at 78 is only a
    recommendation, and the folding machinery is the main cost of a draft.
    Non-ASCII headers still go through the normal RFC 2047 encoding.
    """

    def _fold(self, name, value, sanitize):
        if (isinstance(value, str) and value.isascii() and len(name) + len(value) + 2 <= 998
                and not _CONTROL.search(value)):
            return f"{name}: {value}{self.linesep}"
        # Compat32._fold exists (email._policybase); typeshed omits the private method
        return super()._fold(name, value, sanitize)  # type: ignore[misc]


SMTP_COMPAT = _Policy(linesep="\r\n")

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")


def header_safe(text: str) -> str:
    """``text`` on one line for a header: :func:`~xlkopi.enrol.names.one_line`.

    Line breaks and control characters become one space (header injection
    needs a line break; none survives this), and format characters such as
    U+202E (right-to-left override) are dropped, so a subject or attachment
    name shows what it is.

    >>> header_safe("Computeraftalen\\r\\nBcc: x@example.com")
    'Computeraftalen Bcc: x@example.com'
    >>> header_safe("Kopi \\u202egpj.exe.xlsx")
    'Kopi gpj.exe.xlsx'
    """
    return one_line(text)


def subject_for(agreement: str) -> str:
    """The subject the agency asks for.

    >>> subject_for("Computeraftalen")
    'Tilmelding til Computeraftalen'
    """
    return f"Tilmelding til {header_safe(agreement)}"


def body_for(institution: str, cvr: str, agreement: str, phase: int | None, locations: int,
             contact: str, email: str, phone: str, word: bool = False) -> str:
    """A short Danish cover text for the enrolment (``word``: the Bilag 7 is attached as its own document)."""
    fase = f" (fase {phase})" if phase is not None else ""
    lok = "1 lokation" if locations == 1 else f"{locations} lokationer"
    attached = ("Vedhæftet er det udfyldte Bilag 7 og det tilhørende Excel-ark Skema" if word
                else "Vedhæftet er det udfyldte Bilag 7 med det tilhørende Excel-ark Skema")
    return (
        "Til Statens Indkøb\n\n"
        f"Hermed tilmelder {institution} (CVR {cvr}) sig {agreement}{fase} som frivillig kunde "
        "i Statens Indkøbsprogram.\n\n"
        f"{attached} ({lok}).\n"
        "Vi er bekendt med, at tilmeldingen ikke forpligter os til at købe ind på aftalen.\n\n"
        "Med venlig hilsen\n"
        f"{_signature(contact, institution, email, phone)}\n"
    )


def _signature(contact: str, institution: str, email: str, phone: str) -> str:
    return "\n".join(x for x in (contact, institution, " · ".join(y for y in (email, phone) if y)) if x)


def login_subject_for(agreement: str) -> str:
    """The subject of the request for a log-in (the agency: "anmode om log in pr. e-mail").

    >>> login_subject_for("Computeraftalen")
    'Anmodning om log-in til Computeraftalen'
    """
    return f"Anmodning om log-in til {header_safe(agreement)}"


def login_body_for(institution: str, cvr: str, agreement: str, phase: int | None, confirmed: str,
                   contact: str, email: str, phone: str) -> str:
    """The Danish text asking for a log-in to an agreement the institution's enrolment was confirmed for."""
    fase = f" (fase {phase})" if phase is not None else ""
    when = f" (bekræftet {confirmed})" if confirmed else ""
    user = ", ".join(x for x in (contact, email, phone) if x)
    return (
        "Til Statens Indkøb\n\n"
        f"{institution} (CVR {cvr}) er tilmeldt {agreement}{fase} som frivillig kunde{when}.\n\n"
        "Vi anmoder om log-in til aftalen med henblik på at foretage et konkret køb.\n"
        f"Log-in ønskes til: {user}.\n\n"
        "Med venlig hilsen\n"
        f"{_signature(contact, institution, email, phone)}\n"
    )


def _address(addr: str, display: str = "") -> str:
    """``Name <local@domain>`` in ASCII: the name RFC 2047-encoded when needed, the domain in IDNA form."""
    display = header_safe(display)
    return formataddr((str(Header(display, "utf-8")) if display and not display.isascii() else display,
                       ascii_email(header_safe(addr))))


@dataclass(frozen=True)
class Attachment:
    """A file attached to a draft: its name, its bytes and its MIME type (``"application/..."``)."""

    filename: str
    data: bytes
    mime: str = "/".join(XLSX_TYPE)


def build_eml(*, to: str, subject: str, body: str, attachment: bytes | None = None, filename: str = "",
              attachments: Sequence[Attachment] = (), sender: str = "", sender_name: str = "") -> bytes:
    """The bytes of an .eml draft with ``attachments`` (and ``attachment``, an xlsx named ``filename``).

    Every header value passes :func:`header_safe`; the recipient and sender
    must be valid addresses (checked by the caller with
    :func:`~xlkopi.enrol.validate.email_problem`); a domain with æ, ø or å
    is written in IDNA form (:func:`~xlkopi.enrol.validate.ascii_email`),
    and an address that cannot be raises :class:`~xlkopi.errors.InputError`. The classic
    ``email.mime`` API is used because it is several times faster than
    ``EmailMessage`` for batches, with the same output standards (MIME,
    RFC 2047 headers, RFC 2231 file names, base64 attachment). A draft
    without attachments (the log-in request) is a plain text message.
    """
    files = list(attachments) + ([Attachment(filename, attachment)] if attachment is not None else [])
    digest = hashlib.sha256(b"\0".join([to.encode(), subject.encode(), body.encode()]
                                        + [x for f in files for x in (f.filename.encode(), f.mime.encode(), f.data)])
                            ).hexdigest()
    msg: MIMEMultipart | MIMENonMultipart
    if files:
        msg = MIMEMultipart("mixed", boundary=f"=_xlkopi_{digest[32:56]}")
    else:
        msg = _text_part(body)
    msg["To"] = _address(to)
    if sender:
        msg["From"] = _address(sender, sender_name)
    subject = header_safe(subject)
    # typeshed types a MIME message's header values as str only; compat32 takes a Header too
    msg["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")  # type: ignore[assignment]
    msg["X-Unsent"] = "1"
    msg["Message-ID"] = f"<{digest[:32]}@xlkopi.invalid>"
    if files:
        msg.attach(_text_part(body))
    for f in files:
        part = MIMEApplication(b"", f.mime.split("/", 1)[1], _encoder=_base64_lines(f.data))
        name = header_safe(f.filename)
        part.add_header("Content-Disposition", "attachment",
                        filename=name if name.isascii() else ("utf-8", "", name))
        msg.attach(part)
    out = io.BytesIO()
    _Generator(out, mangle_from_=False, policy=SMTP_COMPAT).flatten(msg)
    return out.getvalue()
