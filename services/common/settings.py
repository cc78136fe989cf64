"""Settings read by scripts and CLIs outside nameko (same variables as config.yml)."""
import os

SERVICES = ("suggestion", "assignment", "station", "evaluation", "notify", "identity")
METRICS_PORTS = {"suggestion": 9101, "assignment": 9102, "station": 9103, "evaluation": 9104, "notify": 9105, "identity": 9106}


def amqp_uri() -> str:
    return os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672//")


def pg_url() -> str:
    return os.environ.get("PG_URL", "postgresql+psycopg://root@127.0.0.1:5432")


def db_name(service: str) -> str:
    return f"{os.environ.get('DB_PREFIX', 'lianxin')}_{service}"


def db_url(service: str) -> str:
    return f"{pg_url()}/{db_name(service)}"
