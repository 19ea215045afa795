"""Secrets never reach a log line.

httpx logs every request URL at INFO and uvicorn's access log every path with its query, so
Shopee's `access_token=`/`sign=`, TikTok's `app_secret=`, OAuth `code=` and the like would land in
the server log. Redaction happens where log records are made (the record factory) rather than in
a filter on one handler: a handler filter misses records of loggers that do not propagate
(uvicorn's access log, litestar's) and handlers added later; the factory covers every logger and
every handler — the queue listener, uvicorn's own handlers, a worker's stderr, pytest's capture.

What is redacted: values of known secret names in query strings and forms (`name=value`), in JSON
or Python reprs (`"name": "value"`), in headers (`Authorization: Bearer ...`), and the literal
values of the secrets in settings wherever they appear.
"""

from __future__ import annotations

import logging
import re

MASK = "[redacted]"

# Names that mean a secret wherever they appear as a key.
SECRET_NAMES = ("access_token", "refresh_token", "app_secret", "partner_key", "client_secret", "secret_key",
                "password", "api_key", "x-tts-access-token", "authorization", "auth_code")
# Names too common as words ("sign", "code", "token") that are secrets as query or JSON keys.
QUERY_SECRET_NAMES = ("sign", "code", "token", "signature")

_ALL = "|".join(re.escape(n) for n in SECRET_NAMES + QUERY_SECRET_NAMES)
_STRONG = "|".join(re.escape(n) for n in SECRET_NAMES)
_WEAK = "|".join(re.escape(n) for n in QUERY_SECRET_NAMES)

_PATTERNS = [
    # query strings and forms: ?access_token=..., &sign=..., app_secret='...' (a repr)
    re.compile(rf"(?i)((?:(?<![\w.-])(?:{_STRONG})|(?<=[?&])(?:{_WEAK}))=)(['\"]?)([^&\s'\"<>#]+)"),
    # JSON, dict and tuple reprs: "access_token": "...", 'sign': '...', (b'x-tts-access-token', b'...')
    re.compile(rf"(?i)(b?(['\"])(?:{_ALL})\2\s*[:,]\s*b?)(['\"])(.*?)(?<!\\)\3"),
    # headers: Authorization: Bearer ..., x-tts-access-token: ...
    re.compile(r"(?i)((?<![\w-])(?:authorization|x-tts-access-token|access_token|app_secret|partner_key)\s*:\s*)"
               r"((?:bearer|basic)\s+)?([^\s,;'\"}]+)"),
]


def _mask_query(match: re.Match) -> str:
    return f"{match.group(1)}{match.group(2)}{MASK}"


def _mask_json(match: re.Match) -> str:
    quote = match.group(3)
    return f"{match.group(1)}{quote}{MASK}{quote}"


def _mask_header(match: re.Match) -> str:
    return f"{match.group(1)}{match.group(2) or ''}{MASK}"


_MASKERS = list(zip(_PATTERNS, (_mask_query, _mask_json, _mask_header), strict=True))


_secrets_of: dict[tuple[str, ...], list[str]] = {}  # the settings' secret values -> the list to mask


def _known_secrets() -> list[str]:
    from app.settings import get_settings

    try:
        settings = get_settings()
    except Exception:  # settings not valid yet: their own error is being logged
        return []
    raw = (settings.secret_key, settings.shopee_partner_key, settings.tiktok_app_secret, settings.lazada_app_secret,
           settings.smtp_password, settings.encryption_keys)
    known = _secrets_of.get(raw)
    if known is None:  # worked out once per value of the settings, not on every log line
        values = [*raw[:-1], *raw[-1].split(",")]
        # Longest first, so a secret that contains another is masked whole.
        known = sorted({v.strip() for v in values if len(v.strip()) >= 8}, key=len, reverse=True)
        if len(_secrets_of) > 16:
            _secrets_of.clear()
        _secrets_of[raw] = known
    return known


_NAMES = tuple(n.casefold() for n in SECRET_NAMES + QUERY_SECRET_NAMES)  # every pattern needs one of them


def redact(text: str) -> str:
    """``text`` with every secret it carries replaced by [redacted]."""
    lowered = text.casefold()  # casefold: (?i) also matches the long s and the Kelvin sign
    if any(name in lowered for name in _NAMES):  # most lines (every access log line) name none: no regex runs
        for pattern, mask in _MASKERS:
            text = pattern.sub(mask, text)
    for secret in _known_secrets():
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_record(record: logging.LogRecord) -> None:
    """Redact a record in place. Its arguments stay a tuple when that is enough (uvicorn's access
    formatter unpacks them); otherwise the message is flattened to the redacted text."""
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: logging reports it when the record is emitted
        return
    redacted = redact(message)
    if redacted != message:
        if isinstance(record.args, tuple) and record.args:
            record.msg = redact(str(record.msg))
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
            try:
                if record.getMessage() != redacted:
                    record.msg, record.args = redacted, ()
            except Exception:
                record.msg, record.args = redacted, ()
        else:
            record.msg, record.args = redacted, ()
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        # Formatters print exc_text when set: an exception message may carry a URL with a token.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def install_log_redaction() -> None:
    """Make every log record of this process redacted at birth (idempotent)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "redacts_secrets", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = current(*args, **kwargs)
        redact_record(record)
        return record

    factory.redacts_secrets = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
