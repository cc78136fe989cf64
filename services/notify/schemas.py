"""Request models of notify."""
from pydantic import BaseModel, ConfigDict, StrictBool


class PreferencesIn(BaseModel):
    """PUT /notifications/preferences: the channels wanted besides the inbox."""
    model_config = ConfigDict(extra="forbid")
    email: StrictBool
    webhook: StrictBool
