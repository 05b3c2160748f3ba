"""The trainer under `accelerate launch` and with several processes (DDP over gloo on CPU)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import torch
from conftest import python_env, spans_row, write_jsonl
from safetensors.torch import load_file

from tripost_trainer.cli import main

BIN = Path(sys.executable).parent


def five_rows(tmp_path) -> Path:
    texts = [f"{a}+{a}=\n{2 * a}\nF:ok" for a in range(1, 6)]
    return write_jsonl(tmp_path / "five.jsonl", [spans_row(str(index), text, text.index("\nF"), 1.5) for index, text in enumerate(texts)])


def launch(argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, env=python_env(), timeout=300, check=False)


def assert_same_adapter(left: Path, right: Path, atol: float) -> None:
    a, b = load_file(str(left / "adapter_model.safetensors")), load_file(str(right / "adapter_model.safetensors"))
    assert a.keys() == b.keys()
    for name in a:
        torch.testing.assert_close(a[name], b[name], rtol=0, atol=atol)


def test_accelerate_launch_runs_the_trainer_unchanged(tmp_path, model_dir):
    data = five_rows(tmp_path)
    flags = ["--data", str(data), "--base", str(model_dir), "--lora-r", "2", "--epochs", "2", "--lr", "1e-2", "--batch-size", "2", "--seed", "1"]
    assert main([*flags, "--out", str(tmp_path / "plain")]) == 0
    result = launch([str(BIN / "accelerate"), "launch", "--num_processes", "1", "--cpu", "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no", "-m", "tripost_trainer", *flags, "--out", str(tmp_path / "launched")])
    assert result.returncode == 0, result.stderr[-2000:]
    assert "batch 2 × 1 processes" in result.stdout
    assert_same_adapter(tmp_path / "plain", tmp_path / "launched", atol=0)


def test_two_processes_train_exactly_as_one_process_with_their_global_batch(tmp_path, model_dir):
    """5 rows, 2 processes × batch 1: the last step's second process has no row and trains on a
    zero-weight copy; the loss is normalised by the global token count, so the result is the
    single process's with batch 2."""
    data = five_rows(tmp_path)
    # SGD: the update is the gradient itself, so a wrong normalisation would show in the weights
    # (Adam's update hardly changes when a step's gradient is scaled).
    flags = ["--data", str(data), "--base", str(model_dir), "--lora-r", "2", "--epochs", "2", "--lr", "0.5", "--seed", "1", "--optimizer", "sgd", "--max-grad-norm", "0"]
    assert main([*flags, "--batch-size", "2", "--out", str(tmp_path / "one")]) == 0
    result = launch([str(BIN / "torchrun"), "--standalone", "--nproc_per_node", "2", "-m", "tripost_trainer", *flags, "--batch-size", "1", "--out", str(tmp_path / "two")])
    assert result.returncode == 0, result.stderr[-2000:]
    assert "batch 1 × 2 processes" in result.stdout
    one = json.loads((tmp_path / "one" / "trainer_summary.json").read_text())
    two = json.loads((tmp_path / "two" / "trainer_summary.json").read_text())
    assert two["processes"] == 2
    assert two["steps"] == one["steps"] == 2 * 3
    assert two["weightSum"] == one["weightSum"]
    for a, b in zip(one["losses"], two["losses"]):
        assert abs(a - b) < 1e-5
    assert_same_adapter(tmp_path / "one", tmp_path / "two", atol=1e-6)
