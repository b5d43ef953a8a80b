"""Opt-in timing of the app's script runs, phase by phase, for the benchmark.

The app makes one :class:`RunClock` per script run and marks the end of each phase
(``clock.mark("sidebar")``). When :data:`~corridor_atlas.settings.PHASE_LOG_ENV` names a
file, :meth:`RunClock.finish` appends one JSON line per run to it: when the run started
(seconds since the epoch, the clock a browser's ``performance.timeOrigin`` uses too) and
each phase's end and length in milliseconds. Without it, marks cost a clock read and
nothing is written.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import settings

__all__ = ["Phase", "RunClock", "read_runs"]


@dataclass(frozen=True)
class Phase:
    """One phase of a run: its name, when it ended and how long it took (ms from the start)."""

    name: str
    end_ms: float
    ms: float


@dataclass
class RunClock:
    """The phases of one script run, written to ``sink`` (a JSON-lines file) if given."""

    sink: Path | None = None
    run: int = 1  # the session's how-many-th run this is
    started: float = field(default_factory=time.time)  # epoch seconds
    _t0: float = field(default_factory=time.perf_counter)
    phases: list[Phase] = field(default_factory=list)
    _done: bool = False

    @classmethod
    def from_env(cls, run: int = 1, env: Mapping[str, str] | None = None) -> RunClock:
        return cls(settings.phase_log(env), run)

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self._t0) * 1000.0

    def mark(self, name: str) -> None:
        """The phase ``name`` ends now (it began where the previous one ended)."""
        now = self.elapsed_ms()
        last = self.phases[-1].end_ms if self.phases else 0.0
        self.phases.append(Phase(name, now, now - last))

    def finish(self, *, completed: bool = True) -> None:
        """Append this run to the sink (once); ``completed`` is false for a run cut short."""
        if self._done or self.sink is None:
            return
        self._done = True
        # the total rounded as the phases are (2 dp), so none ends after it
        line = json.dumps({"run": self.run, "started": self.started,
                           "total_ms": round(self.elapsed_ms(), 2),
                           "completed": completed, "pid": os.getpid(),
                           "phases": [[p.name, round(p.end_ms, 2), round(p.ms, 2)]
                                      for p in self.phases]})
        with self.sink.open("a", encoding="utf-8") as out:
            out.write(line + "\n")


def read_runs(path: Path) -> list[dict]:
    """The runs a sink holds, in the order they finished; ``[]`` when there is none yet."""
    if not path.exists():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            run = json.loads(line)
            run["phases"] = [Phase(n, e, m) for n, e, m in run["phases"]]
            runs.append(run)
    return runs
