"""A fault test's frame: a stream runs before, during and after the fault, then reconciliation."""
import uuid
from contextlib import contextmanager

from tests.faults.reconcile import Mark, reconcile
from tests.faults.stream import Stream


class Run:
    def __init__(self, system, label: str, threads: int):
        self.system, self.mark = system, Mark(system)
        self.stream = Stream(system.url, f"故障-{label}-{uuid.uuid4().hex[:6]}", threads=threads)
        self.planted: dict[str, int] = {}  # service -> dead letters the test put there on purpose
        self.allow_no_answer = False  # a killed gateway cuts the requests it was answering

    def carries_on(self, count: int = 3, timeout: float = 120.0) -> None:
        """The stream finishes ``count`` more lifecycles: the system works again, untouched by hand."""
        self.stream.wait_lifecycles(len(self.stream.lifecycles) + count, timeout)


@contextmanager
def under_load(system, label: str, warmup: int = 3, threads: int = 3):
    run = Run(system, label, threads)
    run.stream.start()
    try:
        run.stream.wait_lifecycles(warmup)
        yield run
    except BaseException:
        run.stream.abort()
        raise
    run.stream.stop()
    reconcile(system, run.stream, run.mark, run.planted, run.allow_no_answer)
