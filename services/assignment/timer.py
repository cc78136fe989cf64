"""A nameko timer whose interval comes from the service config (DEADLINE_INTERVAL, seconds)."""
from nameko.timer import Timer


class ConfiguredTimer(Timer):
    """``@ConfiguredTimer.decorator("DEADLINE_INTERVAL", default=60)``; 0 or less turns it off."""

    def __init__(self, config_key: str, default: float = 60, **kwargs):
        self.config_key = config_key
        self.default = default
        super().__init__(interval=default, **kwargs)

    def setup(self):
        self.interval = float(self.container.config.get(self.config_key, self.default))

    def start(self):
        if self.interval > 0:
            super().start()

    def stop(self):
        if self.gt is not None:
            super().stop()

    def kill(self):
        if self.gt is not None:
            super().kill()


configured_timer = ConfiguredTimer.decorator
