from services.common.migrations_env import run
from services.station.models import Base

run(Base.metadata)
