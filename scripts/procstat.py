"""What a process costs, read from Linux's /proc: CPU seconds, resident memory, and the
TCP connections a listening port holds."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
ESTABLISHED = "01"


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(c) for c in (task / "children").read_text().split()]
    return found


def tree(pid: int) -> list[int]:
    """A process and all its live descendants."""
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        if p not in out:
            out.append(p)
            stack += _children(p)
    return out


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of a process, with its reaped children; 0 if gone."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(v) for v in fields[11:15]) / TICK  # utime stime cutime cstime
    return 0.0


def tree_cpu_s(pid: int) -> float:
    """CPU seconds of a process and all its live descendants (and their reaped children)."""
    return sum(cpu_s(p) for p in tree(pid))


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of one process in MB (``VmHWM`` for its peak); 0 if gone."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its live descendants, in MB."""
    return sum(rss_mb(p) for p in tree(pid))


def machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / TICK


def connections(port: int) -> int:
    """Established TCP connections whose local end is ``port`` (IPv4 and IPv6)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                if parts[3] == ESTABLISHED and int(parts[1].rsplit(":", 1)[1], 16) == port:
                    count += 1
    return count
