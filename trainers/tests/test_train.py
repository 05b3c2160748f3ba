"""Training end to end on CPU: LoRA and full, save → load → continue, seeds, summaries, failures."""

from __future__ import annotations

import json

import pytest
import torch
from conftest import TEXTS, run_module, spans_row, write_jsonl
from safetensors.torch import load_file

from tripost_trainer.cli import main


def summary_of(directory) -> dict:
    return json.loads((directory / "trainer_summary.json").read_text())


def expected_weight_sum(text: str, weight_from: int, weight: float) -> float:
    """<s> + one token per character + </s>: every character is a target, and </s> has the last one's weight."""
    return weight_from * 1.0 + (len(text) - weight_from) * weight + (weight if weight_from < len(text) else 1.0)


def adapter_tensors(directory) -> dict[str, torch.Tensor]:
    return load_file(str(directory / "adapter_model.safetensors"))


@pytest.fixture(scope="module")
def lora_run(tmp_path_factory, model_dir, data_file):
    out = tmp_path_factory.mktemp("lora") / "iteration-1"
    code = main(["--data", str(data_file), "--base", "served-name", "--model", str(model_dir), "--out", str(out), "--lora-r", "4", "--epochs", "3", "--lr", "1e-2", "--batch-size", "2", "--seed", "7"])
    assert code == 0
    return out


def test_a_lora_run_writes_a_peft_adapter_that_vllm_loads(lora_run, model_dir):
    names = {path.name for path in lora_run.iterdir()}
    assert {"adapter_config.json", "adapter_model.safetensors", "trainer_summary.json"} <= names
    assert not (lora_run.parent / "iteration-1.partial").exists()
    config = json.loads((lora_run / "adapter_config.json").read_text())
    assert config["peft_type"] == "LORA"
    assert config["r"] == 4
    assert config["lora_alpha"] == 8
    assert config["base_model_name_or_path"] == str(model_dir)
    # vLLM supports LoRA on these LLaMA projections; no embedding or head weights are saved.
    assert set(config["target_modules"]) == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}
    tensors = adapter_tensors(lora_run)
    assert tensors and all(".lora_A." in name or ".lora_B." in name for name in tensors)
    assert any(float(tensor.abs().sum()) > 0 for name, tensor in tensors.items() if ".lora_B." in name)  # trained (B starts at 0)


def test_a_run_reports_the_exact_weights_it_trained_on(lora_run):
    summary = summary_of(lora_run)
    assert [entry["id"] for entry in summary["rows"]] == [identifier for identifier, *_ in TEXTS]
    for entry, (_, text, weight_from, weight) in zip(summary["rows"], TEXTS):
        assert entry["tokens"] == len(text) + 2
        assert entry["targets"] == len(text) + 1
        assert entry["weightSum"] == pytest.approx(expected_weight_sum(text, weight_from, weight))
    assert summary["weightSum"] == pytest.approx(sum(expected_weight_sum(t, f, w) for _, t, f, w in TEXTS))
    assert summary["mode"] == "lora"
    assert summary["steps"] == 3 * 2  # 3 texts in batches of 2, 3 epochs
    assert summary["losses"][-1] < summary["losses"][0]


def test_the_same_seed_gives_the_same_adapter_and_another_seed_another(tmp_path, model_dir, data_file, lora_run):
    again, other = tmp_path / "again", tmp_path / "other"
    common = ["--data", str(data_file), "--base", "served-name", "--model", str(model_dir), "--lora-r", "4", "--epochs", "3", "--lr", "1e-2", "--batch-size", "2"]
    assert main([*common, "--out", str(again), "--seed", "7"]) == 0
    assert main([*common, "--out", str(other), "--seed", "8"]) == 0
    first, second, third = adapter_tensors(lora_run), adapter_tensors(again), adapter_tensors(other)
    assert all(torch.equal(first[name], second[name]) for name in first)
    assert not all(torch.equal(first[name], third[name]) for name in first)


def test_a_lora_run_continues_from_the_previous_adapter(tmp_path, lora_run, data_file):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    out = tmp_path / "iteration-2"
    assert main(["--data", str(data_file), "--base", str(lora_run), "--out", str(out), "--epochs", "2", "--lr", "1e-2", "--batch-size", "2", "--seed", "7"]) == 0
    summary = summary_of(out)
    first = summary_of(lora_run)
    assert summary["mode"] == "lora"
    # It starts where the first adapter ended: its first loss is below the first run's first loss.
    assert summary["losses"][0] < first["losses"][0]
    # The new adapter loads onto the base model and differs from the one it continued.
    config = json.loads((out / "adapter_config.json").read_text())
    base = AutoModelForCausalLM.from_pretrained(config["base_model_name_or_path"])
    PeftModel.from_pretrained(base, str(out))
    before, after = adapter_tensors(lora_run), adapter_tensors(out)
    assert before.keys() == after.keys()
    assert not all(torch.equal(before[name], after[name]) for name in before)


def test_a_full_run_saves_a_model_that_loads_and_continues(tmp_path, model_dir, data_file):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    first, second = tmp_path / "full-1", tmp_path / "full-2"
    assert main(["--data", str(data_file), "--base", str(model_dir), "--out", str(first), "--epochs", "2", "--lr", "1e-3", "--seed", "3"]) == 0
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {path.name for path in first.iterdir()}
    assert summary_of(first)["mode"] == "full"
    start = AutoModelForCausalLM.from_pretrained(model_dir)
    trained = AutoModelForCausalLM.from_pretrained(first)
    AutoTokenizer.from_pretrained(first)
    assert not torch.equal(start.model.embed_tokens.weight, trained.model.embed_tokens.weight)
    assert main(["--data", str(data_file), "--base", str(first), "--out", str(second), "--epochs", "1", "--lr", "1e-3", "--seed", "3"]) == 0
    continued = summary_of(second)
    assert continued["base"] == str(first)
    assert continued["losses"][0] < summary_of(first)["losses"][0]


def test_an_adapter_base_with_lora_r_0_is_merged_and_fine_tuned_fully(tmp_path, lora_run, data_file):
    out = tmp_path / "merged"
    assert main(["--data", str(data_file), "--base", str(lora_run), "--out", str(out), "--lora-r", "0", "--epochs", "1", "--seed", "1"]) == 0
    assert summary_of(out)["mode"] == "full"
    assert (out / "model.safetensors").exists()


def test_weight_zero_rows_and_official_rows_train_with_their_weights(tmp_path, model_dir):
    rows = [
        spans_row("masked", "1+1=\n2", 3, 0.0, before=0.0),
        {"text": "Q: 1+1\nA: 2\nFeedback: ok", "text_att_start_text": "\nFeedback:", "meta_data": {"id": "official", "weight": 2.0}},
    ]
    data = write_jsonl(tmp_path / "mixed.jsonl", rows)
    out = tmp_path / "mixed"
    assert main(["--data", str(data), "--base", str(model_dir), "--out", str(out), "--lora-r", "2", "--epochs", "1", "--seed", "1"]) == 0
    masked, official = summary_of(out)["rows"]
    assert masked == {"id": "masked", "line": 1, "tokens": 8, "targets": 0, "weightSum": 0.0}
    text = rows[1]["text"]
    at = text.index("\nFeedback:")
    assert official["weightSum"] == pytest.approx(at + (len(text) - at) * 2.0 + 2.0)


def test_bad_starts_exit_2_or_1_with_one_line_and_leave_no_output(tmp_path, model_dir, data_file, lora_run, capsys):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "x").write_text("x")
    cases = [
        (["--base", str(model_dir), "--out", str(taken)], 2, "exists and is not an empty directory"),
        (["--base", str(lora_run), "--out", str(tmp_path / "a"), "--lora-r", "8"], 2, "--lora-r 8 differs from the rank 4 of the adapter"),
        (["--base", str(tmp_path), "--out", str(tmp_path / "b")], 2, "is a directory with neither adapter_config.json nor config.json"),
        (["--base", "name", "--model", str(tmp_path / "no-model"), "--out", str(tmp_path / "c")], 1, "cannot load a tokenizer from"),
    ]
    for flags, code, message in cases:
        capsys.readouterr()
        assert main(["--data", str(data_file), *flags]) == code
        err = capsys.readouterr().err
        assert message in err
        assert err.count("\n") == 1
    assert [path.name for path in tmp_path.iterdir() if path.name != "taken"] == []
    assert (taken / "x").read_text() == "x"


def test_a_row_longer_than_max_length_is_left_out_with_a_warning(tmp_path, model_dir, capsys):
    data = write_jsonl(tmp_path / "long.jsonl", [spans_row("short", "1+1=\n2", 5, 1.5), spans_row("long", "1+1+1+1+1+1=\n6", 13, 1.5)])
    out = tmp_path / "long"
    assert main(["--data", str(data), "--base", str(model_dir), "--out", str(out), "--lora-r", "2", "--epochs", "1", "--max-length", "10"]) == 0
    assert "long.jsonl:line 2: row 'long' has 16 tokens, more than 10: not trained" in capsys.readouterr().err
    summary = summary_of(out)
    assert [entry["id"] for entry in summary["rows"]] == ["short"]
    assert summary["dropped"] == [{"id": "long", "line": 2, "tokens": 16}]


def test_python_m_tripost_trainer_runs_and_prints_its_summary(tmp_path, model_dir, data_file):
    out = tmp_path / "cli"
    result = run_module("tripost_trainer", "--data", str(data_file), "--base", str(model_dir), "--out", str(out), "--lora-r", "2", "--epochs", "1")
    assert result.returncode == 0, result.stderr
    total = sum(expected_weight_sum(t, f, w) for _, t, f, w in TEXTS)
    assert f"tripost_trainer: 3 rows, {sum(len(t) + 1 for _, t, _, _ in TEXTS)} target tokens, weight sum {total:.6g}" in result.stdout
    assert f"wrote the adapter to '{out}'" in result.stdout
