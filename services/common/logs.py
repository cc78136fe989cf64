"""JSON log lines carrying the current request id."""
import json
import logging
import time

from services.common.context import current_request_id


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": current_request_id(),
        }
        for key in ("service", "event_type", "event_id", "consumer"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info and record.levelno >= logging.ERROR:  # expected errors: no traceback
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)

