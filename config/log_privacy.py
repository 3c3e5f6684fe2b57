"""Log lines never carry the query strings of admin addresses.

Staff search the admin for witnesses, sources and incidents by what they know (a name, a unit, a
village); the admin puts those words in the address (`/admin/sources/witness/?q=...`). Access and
request logs would keep them in clear text, beside the address they were typed from, long after
the record is gone. So every log line passes through `AdminQueryStringFilter`: an admin address
keeps its path and loses its query, in the request line and in a Referer alike. Public addresses
keep theirs: their filters are the public's, and a failing one is worth seeing in the log.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote, urlsplit

ADMIN_PREFIX = "/admin/"

# An address or path followed by a query string, as it appears in a request line or a Referer.
_ADDRESS_WITH_QUERY = re.compile(r'(?P<address>[^\s"?]+)\?[^\s"]*')


def without_admin_query_strings(text: str) -> str:
    def strip(match: re.Match) -> str:
        address = match.group("address")
        path = urlsplit(address).path if "://" in address else address
        return address if unquote(path).startswith(ADMIN_PREFIX) else match.group(0)

    return _ADDRESS_WITH_QUERY.sub(strip, text)


class AdminQueryStringFilter(logging.Filter):
    """Rewrites a record's message without the query strings of admin addresses."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # A malformed record is the logging module's to report, not ours.
            return True
        cleaned = without_admin_query_strings(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
