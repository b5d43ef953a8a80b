"""The app's opt-in phase times (corridor_atlas.phases), which the benchmark reads."""

from __future__ import annotations

from pathlib import Path

from corridor_atlas import phases, settings


def test_a_run_is_written_once_with_its_phases_in_order(tmp_path: Path) -> None:
    sink = tmp_path / "phases.jsonl"
    clock = phases.RunClock.from_env(run=2, env={settings.PHASE_LOG_ENV: str(sink)})
    clock.mark("data")
    clock.mark("map sent")
    clock.finish()
    clock.finish(completed=False)  # a run is written once
    (run,) = phases.read_runs(sink)
    assert run["run"] == 2 and run["completed"] is True
    assert [p.name for p in run["phases"]] == ["data", "map sent"]
    data, sent = run["phases"]
    assert 0 <= data.end_ms <= sent.end_ms <= run["total_ms"]
    assert abs(data.ms + sent.ms - sent.end_ms) < 0.02  # each from the end of the last (2 dp)


def test_without_the_variable_nothing_is_written(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    clock = phases.RunClock.from_env(env={})
    clock.mark("data")
    clock.finish()
    assert clock.sink is None and list(tmp_path.iterdir()) == []
    assert phases.read_runs(tmp_path / "none.jsonl") == []
