from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest
import torch

import fflab.cli
import fflab.experiment
from fflab import catalog
from fflab.cli import main
from fflab.experiment import Experiment, Preset
from fflab.params import Param, ParamSpec
from fflab.runner import Run
from fflab.store import RunStore

REPO = Path(__file__).resolve().parents[2]


class CliFake(Experiment):
    name = "cli_fake"
    title = "A fake experiment for the CLI tests"
    params = ParamSpec(
        [
            Param("steps", "int", 5, "Steps to take.", low=1, high=100_000),
            Param("lr", "float", 0.1, "Learning rate.", low=0.0, high=1.0, live=True),
            Param("hidden", "int_list", (4, 3), "Layer sizes.", low=1, high=64, unit="units"),
            Param("fail_at", "int", 0, "Raise at this step (0: never).", low=0, high=1000),
            Param("diverge_at", "int", 0, "Return NaN at this step (0: never).", low=0, high=1000),
            Param("sleep_s", "float", 0.0, "Sleep this long per step.", low=0.0, high=1.0, unit="s"),
        ]
    )
    presets: ClassVar[dict[str, Preset]] = {
        "quick": Preset("quick", {"steps": 3}, "Three steps,\n just to see."),
        "long": Preset("long", {"steps": 100_000, "sleep_s": 0.005}, "Far too long to wait for."),
    }
    default_preset = "quick"

    def __init__(self, params: dict[str, Any], seed: int = 0, device: str | torch.device = "cpu"):
        super().__init__(params, seed, device)
        self.weight = torch.randn(*self.p["hidden"][:2])
        self.notes.append("the fake has no data")

    @property
    def total_steps(self) -> int:
        return self.p["steps"]

    def step(self) -> dict[str, float]:
        n = self.steps_done + 1
        if n == self.p["fail_at"]:
            raise RuntimeError("the fake failed on purpose")
        if self.p["sleep_s"]:
            time.sleep(self.p["sleep_s"])
        loss = float("nan") if n == self.p["diverge_at"] else self.p["lr"] / n
        return {"loss": loss, "accuracy": 1.0 - 1.0 / (n + 1)}

    def final_metrics(self) -> dict[str, float]:
        return {"accuracy": 0.875, "steps_seen": float(self.steps_done)}

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {"weight": self.weight}


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FFLAB_HOME", str(tmp_path / "home"))
    catalog.add_experiment(CliFake)
    yield
    catalog.remove_experiment(CliFake.name)


def stored_runs() -> list:
    return RunStore().list_runs()


def test_list_shows_experiments_and_presets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "cli_fake  A fake experiment for the CLI tests" in out
    assert "quick  Three steps, just to see. (default)" in out
    assert "long   Far too long to wait for." in out
    assert "Learning rate." not in out


def test_list_params_shows_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "cli_fake", "--params"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if "allowed" in line).split()
    assert header == ["name", "group", "default", "allowed", "live", "help"]
    lr = next(line for line in lines if line.strip().startswith("lr "))
    assert "0.1" in lr and "a number from 0 to 1" in lr and " yes " in lr and "Learning rate." in lr
    hidden = next(line for line in lines if line.strip().startswith("hidden "))
    assert "4,3" in hidden and " no " in hidden and "Layer sizes. [units]" in hidden


def test_list_of_an_unknown_experiment_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "nope"]) == 2
    assert "error: experiment: 'nope' is not one of" in capsys.readouterr().err


def test_run_finishes_writes_json_and_saves(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_json = tmp_path / "out" / "result.json"
    sets = ["--set", "steps=4", "lr=0.5", "--set", "hidden=2,5"]
    code = main(["run", "cli_fake", *sets, "--seed", "3", "--device", "cpu", "--json", str(out_json), "--quiet"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "cli_fake (preset quick, seed 3, device cpu): finished" in captured.out
    assert "accuracy    0.875" in captured.out
    assert "note: the fake has no data" in captured.out
    assert "saved as run 1" in captured.out
    assert captured.err == ""  # --quiet: no progress bar

    result = json.loads(out_json.read_text())
    assert set(result) == {"experiment", "preset", "params", "seed", "device", "seconds", "status", "metrics", "notes"}
    assert result["experiment"] == "cli_fake"
    assert result["preset"] == "quick"
    assert result["params"] == {"steps": 4, "lr": 0.5, "hidden": [2, 5], "fail_at": 0, "diverge_at": 0, "sleep_s": 0.0}
    assert (result["seed"], result["device"], result["status"]) == (3, "cpu", "finished")
    assert result["seconds"] > 0
    assert result["metrics"] == {"accuracy": 0.875, "steps_seen": 4.0}
    assert result["notes"] == ["the fake has no data"]

    (summary,) = stored_runs()
    assert summary.status == "finished" and summary.seed == 3 and summary.preset == "quick"
    assert summary.params["hidden"] == (2, 5)
    assert summary.n_records == 4
    assert RunStore().load_weights(summary.id)["weight"].shape == (2, 5)


def test_json_to_stdout_keeps_stdout_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "cli_fake", "--preset", "", "--device", "cpu", "--json", "-", "--no-save", "--quiet"]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["preset"] is None
    assert result["params"]["steps"] == 5  # the declared default, no preset
    assert result["metrics"]["steps_seen"] == 5.0
    assert "finished" in captured.err
    assert stored_runs() == []  # --no-save


def test_progress_bar_goes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "cli_fake", "--set", "steps=30", "sleep_s=0.02", "--device", "cpu", "--no-save"]) == 0
    captured = capsys.readouterr()
    assert "finished" in captured.err
    assert "30/30" in captured.err
    assert "accuracy=" in captured.err
    assert "30/30" not in captured.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "lr=5"], "error: lr: 5 is out of range; allowed: a number from 0 to 1"),
        (["--set", "steps=2.5"], "error: steps: '2.5' is not a whole number; allowed:"),
        (["--set", "hidden=1,x"], "error: hidden: '1,x' is not 1 to 8 comma-separated whole numbers"),
        (["--set", "depth=3"], "error: depth: unknown parameter; known: steps, lr,"),
        (["--set", "lr"], "error: lr: expected PARAM=VALUE"),
        (["--preset", "huge"], "error: preset: 'huge' is not one of quick, long"),
    ],
)
def test_invalid_input_exits_2_naming_the_parameter(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "cli_fake", *args, "--quiet"]) == 2
    assert message in capsys.readouterr().err
    assert stored_runs() == []


def test_unknown_experiment_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "nope", "--quiet"]) == 2
    assert "error: experiment: 'nope' is not one of" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "cli_fake", "--seed", "-1"]) == 2
    assert main(["run", "cli_fake", "--max-seconds", "0"]) == 2
    assert main(["run", "cli_fake", "--device", "tpu"]) == 2
    assert main([]) == 2
    assert main(["--help"]) == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--seed", "-1"], "error: seed: -1 is out of range; allowed: a number from 0 to 2147483647 (whole)"),
        (["--seed", "2147483648"], "error: seed: 2147483648 is out of range; allowed: a number from 0 to 2147483647"),
        (["--seed", "x"], "error: seed: 'x' is not a number from 0 to 2147483647 (whole)"),
        (["--device", "tpu"], "error: device: 'tpu' is not one of auto, cpu, cuda"),
    ],
)
def test_a_bad_run_setting_exits_2_naming_it_and_what_it_allows(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "cli_fake", *args, "--quiet"]) == 2
    assert message in capsys.readouterr().err
    assert stored_runs() == []


def test_run_setting_flags_take_their_help_from_the_declaration(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--seed SEED Fixes the initial weights" in out and "from 0 to 2147483647 (whole). Default: 0." in out
    assert "--device {auto,cpu,cuda}" in out and "Default: auto." in out
    assert "--speed" not in out


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA device is present")
def test_cuda_without_a_device_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "cli_fake", "--device", "cuda", "--quiet"]) == 2
    assert "error: device: cuda was asked for" in capsys.readouterr().err


def test_a_failed_run_exits_1_and_is_not_saved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_json = tmp_path / "failed.json"
    assert main(["run", "cli_fake", "--set", "fail_at=2", "--device", "cpu", "--json", str(out_json)]) == 1
    err = capsys.readouterr().err
    assert "error: the run failed: RuntimeError: the fake failed on purpose" in err
    assert "Traceback" in err
    result = json.loads(out_json.read_text())
    assert result["status"] == "failed"
    assert "failed on purpose" in result["error"]
    assert stored_runs() == []


def test_a_diverged_run_exits_1_and_is_saved_for_comparison(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "cli_fake", "--set", "diverge_at=2", "--device", "cpu", "--quiet"]) == 1
    assert "error: the run diverged: loss became nan at step 2" in capsys.readouterr().err
    (saved,) = stored_runs()
    assert saved.status == "diverged" and "diverged: loss became nan at step 2" in saved.notes


def test_max_seconds_stops_and_saves(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_json = tmp_path / "stopped.json"
    began = time.monotonic()
    code = main(
        ["run", "cli_fake", "--preset", "long", "--max-seconds", "0.5", "--device", "cpu", "--json", str(out_json)]
    )
    assert time.monotonic() - began < 20
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "stopped after --max-seconds 0.5" in captured.out
    result = json.loads(out_json.read_text())
    assert result["status"] == "stopped"
    assert 0 < result["metrics"]["steps_seen"] < 100_000
    (summary,) = stored_runs()
    assert summary.status == "stopped"
    assert summary.metrics == result["metrics"]


def test_ctrl_c_stops_saves_and_exits_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    original = fflab.cli.ProgressBar.__call__

    def interrupt_after_two_steps(self: fflab.cli.ProgressBar, run: Run) -> None:
        original(self, run)
        if len(run.log) >= 2 and not run.status.terminal:
            raise KeyboardInterrupt

    monkeypatch.setattr(fflab.cli.ProgressBar, "__call__", interrupt_after_two_steps)
    assert main(["run", "cli_fake", "--preset", "long", "--device", "cpu", "--quiet"]) == 130
    assert "stopped by Ctrl-C" in capsys.readouterr().out
    (summary,) = stored_runs()
    assert summary.status == "stopped"
    assert summary.n_records >= 2


# -- as a program, with the real experiments -------------------------------------
def _real_ff() -> type[Experiment] | None:
    return catalog.get_experiment("ff")


def _python_m_fflab(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "FFLAB_HOME": str(home), "PYTHONPATH": path}
    command = [sys.executable, "-m", "fflab", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_python_m_fflab_list(tmp_path: Path) -> None:
    ff = _real_ff()
    if ff is None:
        pytest.skip("fflab.ff does not register 'ff' yet")
    done = _python_m_fflab(["list", "--params"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"ff  {ff.title}" in done.stdout
    for preset in ff.presets:
        assert preset in done.stdout
    for param in ff.params:
        assert param.name in done.stdout


def test_python_m_fflab_invalid_value_exits_2(tmp_path: Path) -> None:
    ff = _real_ff()
    if ff is None:
        pytest.skip("fflab.ff does not register 'ff' yet")
    bounded = [p for p in ff.params if p.kind in ("int", "float") and p.high is not None]
    if bounded:
        param, value = bounded[0], str(int(bounded[0].high * 10 + 7))  # type: ignore[operator]
    else:
        param = next(p for p in ff.params if p.kind == "choice")
        value = "no-such-choice"
    done = _python_m_fflab(["run", "ff", "--set", f"{param.name}={value}", "--quiet"], tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"error: {param.name}: " in done.stderr
    assert param.allowed() in done.stderr
    assert not (tmp_path / "runs.sqlite").exists() or RunStore(tmp_path / "runs.sqlite").list_runs() == []


def test_a_bad_environment_setting_is_named_and_exits_2(monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FFLAB_RUN_MEMORY_GB", "lots")
    code = main(["run", "ff", "--preset", "digits-quick", "--set", "steps=2", "--no-save", "--quiet"])
    assert code == 2
    assert "FFLAB_RUN_MEMORY_GB must be a number of gigabytes, not 'lots'" in capsys.readouterr().err
