"""Shared fixtures: a tiny LLaMA-architecture model and tokenizers built offline, rows as JSONL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# One thread here and in child processes: comparable float sums, and CI has 2 cores.
os.environ.setdefault("OMP_NUM_THREADS", "1")
try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - torch is in the environment
    pass
SRC = ROOT / "src"


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows), encoding="utf-8")
    return path


def spans_row(identifier: str, text: str, weight_from: int, weight: float, before: float = 1.0) -> dict:
    """A row as `tripost export --to spans` writes it."""
    return {"id": identifier, "kind": "improvement", "text": text, "spans": [{"start": 0, "end": weight_from, "weight": before}, {"start": weight_from, "end": len(text), "weight": weight}]}


# Texts shaped like the compact training examples (fixtures/exports/train.jsonl).
TEXTS = [
    ("a", "((-3*-8)*(-2*3))=\n-3*-8=24\n-2*3=-6\n24*-6=-96\nA:-96\nF:4:24*-6=-96\n-3*-8=24\n-2*3=-6\n24*-6=-144\nA:-144", 50, 1.5),
    ("b", "((-3*3)-(9*-2))=\n-3*3=-9\n9*-2=-18\n-9--18=9\nA:9\nF:ok", 46, 1.5),
    ("c", "((4-7)*(-5--9))=\n4-7=-3\n-5--9=4\n-3*4=-12\nA:-12\nF:ok", 0, 1.0),
]


def python_env() -> dict:
    """The environment of a child Python: this package importable, one torch thread."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("OMP_NUM_THREADS", "1")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_module(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, env=python_env(), timeout=timeout, check=False)


@pytest.fixture(scope="session")
def tokenizer():
    from tripost_trainer.tiny import build_tokenizer

    return build_tokenizer()


@pytest.fixture(scope="session")
def merge_tokenizer():
    """Merges make tokens that cross a line end: '.\\n', '9\\n', '\\nF'."""
    from tripost_trainer.tiny import build_tokenizer

    return build_tokenizer(merges=[(".", "\n"), ("9", "\n"), ("\n", "F")])


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory, tokenizer) -> Path:
    """A tiny random LLaMA (hidden 32, 2 layers) and its tokenizer, saved."""
    from tripost_trainer.tiny import build_model

    directory = tmp_path_factory.mktemp("tiny-llama")
    build_model(tokenizer, hidden=32, layers=2, seed=0).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture(scope="session")
def data_file(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("data")
    return write_jsonl(directory / "train.spans.jsonl", [spans_row(*entry) for entry in TEXTS])
