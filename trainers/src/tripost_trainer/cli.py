"""``python -m tripost_trainer --data FILE --base MODEL_OR_ADAPTER --out DIR [options]``.

Exit codes: 0 trained and saved; 1 the run failed (a model that cannot be loaded, an error while
training); 2 bad usage or bad input (one line on stderr naming the file, line and field).
"""

from __future__ import annotations

import argparse
import math
import sys

from .data import InputError, read_rows
from .train import Options, check_out

PROGRAM = "tripost_trainer"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2
        sys.stderr.write(f"{PROGRAM}: {message} (see --help)\n")
        sys.exit(2)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer ≥ 0, got {text}")
    return value


def _number(low: float, high: float | None = None):
    def parse(text: str) -> float:
        value = float(text)
        if not math.isfinite(value) or value < low or (high is not None and value > high):
            bounds = f"in [{low}, {high}]" if high is not None else f"≥ {low}"
            raise argparse.ArgumentTypeError(f"expected a number {bounds}, got {text}")
        return value

    parse.__name__ = "number"
    return parse


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=f"python -m {PROGRAM}",
        description="Fine-tune a Hugging Face causal LM with TriPosT's per-token weighted loss "
        "(reads the `spans` export of `tripost export`, or official TriPosT rows).",
    )
    p.add_argument("--data", required=True, help="the training JSONL: spans rows {text, spans} or official rows {text, text_att_start_text, meta_data}")
    p.add_argument("--base", required=True, help="what to continue from: a PEFT adapter directory, a model directory, or a name (then --model is loaded)")
    p.add_argument("--out", required=True, help="the output directory (absent or empty): a PEFT adapter with --lora-r, else a model")
    p.add_argument("--model", help="the base model (name or directory) when --base is an adapter or not a directory")
    p.add_argument("--lora-r", type=_non_negative_int, help="train a LoRA adapter of this rank (0: full fine-tuning; default: full, or the rank of an adapter --base)")
    p.add_argument("--lora-alpha", type=_number(0), help="LoRA alpha (default 2 × rank)")
    p.add_argument("--epochs", type=_positive_int, default=4, help="epochs (default 4, the paper's)")
    p.add_argument("--lr", type=_number(0), help="peak learning rate (default 1e-4 with LoRA, 1e-6 full, the paper's)")
    p.add_argument("--batch-size", type=_positive_int, default=4, help="texts per process per optimizer step (default 4)")
    p.add_argument("--seed", type=int, default=42, help="seed of the initialisation and the shuffling (default 42)")
    p.add_argument("--weight", type=_number(0), default=1.0, help="w of official rows without meta_data.weight (default 1, the official default)")
    p.add_argument("--warmup", type=_number(0, 1), default=0.0, help="linear warm-up as a share of the steps (default 0)")
    p.add_argument("--min-lr-ratio", type=_number(0, 1), default=1.0, help="floor of the cosine decay as a share of lr (default 1: constant)")
    p.add_argument("--max-grad-norm", type=_number(0), default=1.0, help="gradient clipping norm (0: none; default 1)")
    p.add_argument("--max-length", type=_positive_int, help="longest text in tokens; longer rows are left out with a warning (default: the model's)")
    p.add_argument("--optimizer", choices=["adamw", "sgd"], default="adamw", help="AdamW (weight decay 0.01, the paper's) or plain SGD (default adamw)")
    p.add_argument("--dtype", choices=["float32", "bfloat16", "float16"], default="float32", help="dtype the model is loaded in (default float32)")
    return p


def main(argv: list[str] | None = None) -> int:
    # Progress reaches `tripost run` (and its trainer.log) line by line, also through a pipe.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(line_buffering=True)
    args = parser().parse_args(argv)
    options = Options(
        data=args.data,
        base=args.base,
        out=args.out,
        model=args.model,
        lora_r=args.lora_r,
        lora_alpha=args.lora_alpha,
        epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        seed=args.seed,
        weight=args.weight,
        warmup=args.warmup,
        min_lr_ratio=args.min_lr_ratio,
        max_grad_norm=args.max_grad_norm,
        max_length=args.max_length,
        dtype=args.dtype,
        optimizer=args.optimizer,
    )
    try:
        rows = read_rows(options.data, options.weight)
        check_out(options.out)
        from .train import train

        train(options, rows)
    except InputError as error:
        sys.stderr.write(f"{PROGRAM}: {error}\n")
        return 2
    except RuntimeError as error:
        sys.stderr.write(f"{PROGRAM}: {str(error).splitlines()[0] if str(error) else type(error).__name__}\n")
        return 1
    return 0
