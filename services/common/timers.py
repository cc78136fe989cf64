"""A nameko timer whose interval comes from the service's config; 0 (or empty) turns it off.

``@config_timer("DEADLINE_INTERVAL", 60)`` on an entrypoint; used by assignment's deadline
scheduler and notify's dispatcher and digest.
"""
from nameko.timer import Timer


class ConfigTimer(Timer):
    def __init__(self, key: str, default: float, **kwargs):
        super().__init__(interval=default, **kwargs)
        self.key = key

    def setup(self):
        self.interval = float(self.container.config.get(self.key, self.interval) or 0)

    def start(self):
        if self.interval > 0:
            super().start()

    def stop(self):
        if self.gt is not None:
            super().stop()

    def kill(self):
        if self.gt is not None:
            super().kill()


config_timer = ConfigTimer.decorator
