"""Create each service's database if missing and run its Alembic migrations.

    python -m services.common.migrate                 # every service
    python -m services.common.migrate suggestion      # one
    python -m services.common.migrate --revision suggestion "add x"   # autogenerate
"""
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from services.common.settings import SERVICES, db_name, db_url, pg_url

ROOT = Path(__file__).resolve().parents[2]


def ensure_database(service: str) -> None:
    engine = create_engine(f"{pg_url()}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        name = db_name(service)
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def alembic_config(service: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "services" / service / "migrations"))
    cfg.set_main_option("sqlalchemy.url", db_url(service))
    cfg.attributes["service"] = service
    return cfg


def upgrade(service: str) -> None:
    ensure_database(service)
    command.upgrade(alembic_config(service), "head")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--revision"]:
        service, message = argv[1], argv[2]
        ensure_database(service)
        command.upgrade(alembic_config(service), "head")
        command.revision(alembic_config(service), message=message, autogenerate=True)
        return 0
    for service in argv or SERVICES:
        upgrade(service)
        print(f"migrated {db_name(service)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
