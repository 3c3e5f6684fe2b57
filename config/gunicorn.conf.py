"""gunicorn's settings for the register: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Command-line options (--bind, --workers) still apply on top of these.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from config.log_privacy import AdminQueryStringFilter

# One line per request on standard output, in gunicorn's default format (which includes the
# Referer), with the query strings of admin addresses left out (config/log_privacy.py).
accesslog = "-"


class PrivateAccessLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, AdminQueryStringFilter) for f in log.filters):
                log.addFilter(AdminQueryStringFilter())


logger_class = PrivateAccessLogger
