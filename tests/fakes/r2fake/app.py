"""The fake's whole state, shared by every connection thread."""

import datetime

from faults import Faults
from reqlog import RequestLog
from rules import WriteRateLimiter
from store import Store


class App:
    def __init__(self, config, data_dir, verbose=False, log_capacity=10000):
        self.config = config
        self.data_dir = data_dir
        self.store = Store(data_dir, config.buckets)
        self.faults = Faults()
        self.log = RequestLog(log_capacity)
        self.write_rate = WriteRateLimiter()
        self.verbose = verbose

    def now(self):
        """The server's clock (shifted by the clock_offset_seconds setting)."""
        offset = self.config.setting("clock_offset_seconds")
        return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset)

    def reset(self):
        self.config.reset()
        self.store.reset()
        self.faults.clear()
        self.log.clear()
        self.write_rate.reset()
