from services.common.migrations_env import run
from services.identity.models import Base

run(Base.metadata)
