from services.common.migrations_env import run
from services.suggestion.models import Base

run(Base.metadata)
