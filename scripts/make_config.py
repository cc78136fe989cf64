"""Writes services/<svc>/config.yml from one template (run once when a service is added)."""
import sys
from pathlib import Path

from services.common.settings import METRICS_PORTS

TEMPLATE = """\
# nameko config of the {svc} service; every value can be set from the environment.
AMQP_URI: ${{AMQP_URI:pyamqp://guest:guest@127.0.0.1:5672//}}
WEB_SERVER_ADDRESS: ${{{upper}_METRICS_ADDRESS:0.0.0.0:{port}}}
DB_URL: ${{PG_URL:postgresql+psycopg://root@127.0.0.1:5432}}/${{DB_PREFIX:lianxin}}_{svc}
max_workers: ${{MAX_WORKERS:10}}
DB_POOL_SIZE: ${{DB_POOL_SIZE:5}}  # connections this process may hold (no overflow); docs/reliability.md "Connection budget and PgBouncer"
DB_POOL_TIMEOUT: ${{DB_POOL_TIMEOUT:3}}  # seconds a worker waits for one before its caller gets a 503
DB_PGBOUNCER: ${{DB_PGBOUNCER:0}}  # 1: DB_URL is a PgBouncer in transaction pooling (psycopg then never prepares)
HEARTBEAT: ${{AMQP_HEARTBEAT:15}}
serializer: json
LOGGING:
  version: 1
  disable_existing_loggers: false
  formatters:
    json:
      (): services.common.logs.JsonFormatter
  handlers:
    console:
      class: logging.StreamHandler
      formatter: json
  root:
    level: ${{LOG_LEVEL:INFO}}
    handlers: [console]
"""

if __name__ == "__main__":
    for svc in sys.argv[1:] or METRICS_PORTS:
        path = Path("services") / svc / "config.yml"
        path.write_text(TEMPLATE.format(svc=svc, upper=svc.upper(), port=METRICS_PORTS[svc]))
