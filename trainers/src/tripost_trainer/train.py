"""The training run: load the start model, train with TriPosT's weighted loss, save.

**What it starts from** (``--base``, with ``--model``):

- a PEFT adapter directory (``adapter_config.json``; a previous iteration's output): its base
  model (``--model``, or the adapter's ``base_model_name_or_path``) with the adapter, trained
  further (LoRA; ``--lora-r 0`` merges it into the model and fine-tunes all of it);
- a model directory (``config.json``; a previous full fine-tune): that model;
- anything else (``tripost run``'s first ``{base}`` is the served model's *name*): ``--model``,
  or ``--base`` itself as a model name when ``--model`` is absent.

With ``--lora-r N`` (N > 0) a fresh model gets a new LoRA adapter (all linear layers but the
output head, alpha 2N, no dropout) and the output is a PEFT adapter directory
(``adapter_config.json`` + ``adapter_model.safetensors``) that vLLM's ``/v1/load_lora_adapter``
loads; without it (or ``--lora-r 0``) every weight is trained and the output is a model
directory (``save_pretrained`` + the tokenizer).

**Batches.** Each optimizer step takes ``--batch-size`` texts per process (a global batch of
``batch-size × processes``), in an order shuffled per epoch from ``--seed``; every process holds
every row and takes its share of each global batch, and a process whose share is empty (the
last step) trains on a copy of a row with all weights 0, which adds nothing to the loss or to N.
No row is repeated or dropped within an epoch. No packing: one text per sequence, right padding.

**Schedule.** AdamW (weight decay 0.01; ``--optimizer sgd``: plain SGD, whose update is the
gradient itself, for checks); the learning rate warms up linearly over ``--warmup``
of the steps and then follows a cosine to ``--min-lr-ratio`` × lr (1, the default, keeps it
constant); gradients are clipped to norm ``--max-grad-norm`` (0: not clipped).

The output is written to ``OUT.partial`` and renamed to ``OUT`` at the end: a failed run leaves
no ``OUT``. Also written: ``OUT/trainer_summary.json`` (per row: tokens, targets, weight sum).
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass

from .data import InputError, Row


@dataclass
class Options:
    data: str
    base: str
    out: str
    model: str | None = None
    lora_r: int | None = None
    lora_alpha: float | None = None
    epochs: int = 4
    lr: float | None = None
    batch_size: int = 4
    seed: int = 42
    weight: float = 1.0
    warmup: float = 0.0
    min_lr_ratio: float = 1.0
    max_grad_norm: float = 1.0
    max_length: int | None = None
    dtype: str = "float32"
    optimizer: str = "adamw"


def is_adapter(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "adapter_config.json"))


def is_model_dir(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "config.json"))


def load_tokenizer(*sources: str | None):
    from transformers import AutoTokenizer

    last_error: Exception | None = None
    for source in sources:
        if source is None:
            continue
        if os.path.isdir(source) and not any(
            os.path.isfile(os.path.join(source, name)) for name in ("tokenizer.json", "tokenizer_config.json", "tokenizer.model")
        ):
            continue
        try:
            tokenizer = AutoTokenizer.from_pretrained(source)
        except Exception as error:  # noqa: BLE001 - reported below in one line
            last_error = error
            continue
        if not tokenizer.is_fast:
            raise InputError(f"the tokenizer of '{source}' is not a fast tokenizer: the trainer needs its offsets (return_offsets_mapping)")
        return tokenizer
    named = ", ".join(f"'{source}'" for source in sources if source is not None)
    reason = f": {str(last_error).splitlines()[0]}" if last_error is not None else ""
    raise RuntimeError(f"cannot load a tokenizer from {named}{reason}")


def load_model(source: str, dtype: str):
    import torch
    from transformers import AutoModelForCausalLM

    try:
        return AutoModelForCausalLM.from_pretrained(source, torch_dtype=getattr(torch, dtype))
    except Exception as error:  # noqa: BLE001 - reported in one line
        raise RuntimeError(f"cannot load the model '{source}': {str(error).splitlines()[0] if str(error) else type(error).__name__}") from error


def load_start(options: Options):
    """(tokenizer, model, mode, model name): the model to train, LoRA-wrapped when it trains an adapter."""
    from peft import LoraConfig, PeftConfig, PeftModel, get_peft_model

    base, lora_r = options.base, options.lora_r
    if is_adapter(base):
        config = PeftConfig.from_pretrained(base)
        model_name = options.model or config.base_model_name_or_path
        if model_name is None:
            raise InputError(f"--base '{base}' is an adapter without base_model_name_or_path: give --model")
        tokenizer = load_tokenizer(base, model_name)
        model = load_model(model_name, options.dtype)
        adapter_r = getattr(config, "r", None)
        if lora_r is not None and lora_r != 0 and lora_r != adapter_r:
            raise InputError(f"--lora-r {lora_r} differs from the rank {adapter_r} of the adapter --base '{base}' (leave --lora-r out to continue it)")
        model = PeftModel.from_pretrained(model, base, is_trainable=True)
        if lora_r == 0:
            merged = model.merge_and_unload()
            merged.requires_grad_(True)  # PEFT froze the base weights
            return tokenizer, merged, "full", model_name
        return tokenizer, model, "lora", model_name
    if os.path.isdir(base):
        if not is_model_dir(base):
            raise InputError(f"--base '{base}' is a directory with neither adapter_config.json nor config.json")
        model_name = base
    else:
        model_name = options.model or base
    tokenizer = load_tokenizer(model_name, options.model)
    model = load_model(model_name, options.dtype)
    if lora_r:
        alpha = options.lora_alpha if options.lora_alpha is not None else 2 * lora_r
        config = LoraConfig(r=lora_r, lora_alpha=alpha, lora_dropout=0.0, target_modules="all-linear", task_type="CAUSAL_LM")
        return tokenizer, get_peft_model(model, config), "lora", model_name
    return tokenizer, model, "full", model_name


def lr_factor(step: int, total: int, warmup: float, min_ratio: float) -> float:
    """The learning-rate factor of optimizer step `step` (0-based): linear warm-up, then cosine to min_ratio."""
    warm = int(math.ceil(warmup * total))
    if step < warm:
        return (step + 1) / warm
    if total - warm <= 1:
        return 1.0
    progress = (step - warm) / (total - warm - 1)
    return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


def check_out(out: str) -> None:
    if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)):
        raise InputError(f"--out '{out}' exists and is not an empty directory: the trainer does not overwrite it")


def train(options: Options, rows: list[Row], log=print) -> dict:
    """Trains and saves; returns the summary (also written to OUT/trainer_summary.json)."""
    import torch
    from accelerate import Accelerator
    from accelerate.utils import set_seed

    from .weights import encode_row, pad_batch, process_loss, weighted_sum_and_count

    started = time.time()
    accelerator = Accelerator()
    main = accelerator.is_main_process
    say = log if main else (lambda *_args, **_kwargs: None)
    set_seed(options.seed)
    tokenizer, model, mode, model_name = load_start(options)
    lr = options.lr if options.lr is not None else (1e-4 if mode == "lora" else 1e-6)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else (tokenizer.eos_token_id or 0)
    limit = options.max_length or getattr(model.config, "max_position_embeddings", None)

    encoded: list[tuple[list[int], list[float]]] = []
    per_row: list[dict] = []
    dropped: list[dict] = []
    for row in rows:
        ids, weights = encode_row(tokenizer, row)
        if limit is not None and len(ids) > limit:
            dropped.append({"id": row.id, "line": row.line, "tokens": len(ids)})
            say(f"tripost_trainer: warning: {options.data}:line {row.line}: row '{row.id}' has {len(ids)} tokens, more than {limit}: not trained", file=sys.stderr)
            continue
        encoded.append((ids, weights))
        per_row.append({"id": row.id, "line": row.line, "tokens": len(ids), "targets": sum(1 for w in weights[1:] if w != 0), "weightSum": sum(weights[1:])})
    if not encoded or all(entry["weightSum"] == 0 for entry in per_row):
        raise InputError(f"{options.data}: cannot train as no token of its rows has a weight > 0 (after tokenization)")
    target_tokens = sum(entry["targets"] for entry in per_row)
    weight_sum = sum(entry["weightSum"] for entry in per_row)
    say(
        f"tripost_trainer: {len(encoded)} rows, {target_tokens} target tokens, weight sum {weight_sum:.6g}; "
        f"{mode} from '{options.base}' (model '{model_name}'), {options.epochs} epochs, lr {lr:g}, batch {options.batch_size} × {accelerator.num_processes} processes"
    )

    world, rank = accelerator.num_processes, accelerator.process_index
    global_batch = options.batch_size * world
    steps_per_epoch = math.ceil(len(encoded) / global_batch)
    total_steps = steps_per_epoch * options.epochs
    model.train()
    parameters = [parameter for parameter in model.parameters() if parameter.requires_grad]
    if options.optimizer == "sgd":
        optimizer = torch.optim.SGD(parameters, lr=lr)
    else:
        optimizer = torch.optim.AdamW(parameters, lr=lr, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: lr_factor(step, total_steps, options.warmup, options.min_lr_ratio))
    deepspeed = getattr(accelerator.state, "deepspeed_plugin", None)
    if deepspeed is not None:
        # No dataloader goes through prepare() (the batches are made here), so DeepSpeed is told
        # the micro-batch size itself (not tested here: no GPU).
        ds_config = deepspeed.deepspeed_config
        if ds_config.get("train_micro_batch_size_per_gpu", "auto") == "auto":
            ds_config["train_micro_batch_size_per_gpu"] = options.batch_size
    model, optimizer = accelerator.prepare(model, optimizer)
    parameters = [parameter for parameter in model.parameters() if parameter.requires_grad]

    losses: list[float] = []
    step = 0
    for epoch in range(options.epochs):
        order = list(range(len(encoded)))
        random.Random(f"{options.seed}/{epoch}").shuffle(order)
        epoch_total, epoch_count = 0.0, 0
        for index in range(steps_per_epoch):
            chunk = order[index * global_batch : (index + 1) * global_batch]
            mine = chunk[rank * options.batch_size : (rank + 1) * options.batch_size]
            items = [encoded[i] for i in mine] if mine else [(encoded[chunk[0]][0], [0.0] * len(encoded[chunk[0]][0]))]
            batch = {name: tensor.to(accelerator.device) for name, tensor in pad_batch(items, pad_id).items()}
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            total, count = weighted_sum_and_count(logits, batch["input_ids"], batch["weights"])
            if world > 1:
                global_count = accelerator.reduce(count.detach().clone(), reduction="sum")
                global_total = accelerator.reduce(total.detach().clone(), reduction="sum")
            else:
                global_count, global_total = count, total.detach()
            loss = process_loss(total, global_count, world)
            accelerator.backward(loss)
            if options.max_grad_norm > 0:
                accelerator.clip_grad_norm_(parameters, options.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            epoch_total += float(global_total)
            epoch_count += int(global_count)
            if steps_per_epoch >= 20 and (index + 1) % (steps_per_epoch // 10) == 0 and index + 1 < steps_per_epoch:
                say(f"tripost_trainer: epoch {epoch + 1}/{options.epochs}, step {index + 1}/{steps_per_epoch}: loss so far {epoch_total / max(epoch_count, 1):.6f}")
        losses.append(epoch_total / max(epoch_count, 1))
        say(f"tripost_trainer: epoch {epoch + 1}/{options.epochs}: loss {losses[-1]:.6f} ({steps_per_epoch} steps)")

    accelerator.wait_for_everyone()
    partial = f"{options.out.rstrip(os.sep)}.partial"
    if main:
        shutil.rmtree(partial, ignore_errors=True)
        os.makedirs(partial)
    accelerator.wait_for_everyone()
    state = accelerator.get_state_dict(model)
    unwrapped = accelerator.unwrap_model(model)
    unwrapped.save_pretrained(partial, is_main_process=main, save_function=accelerator.save, state_dict=state, safe_serialization=True)
    summary = {
        "mode": mode,
        "base": options.base,
        "model": model_name,
        "rows": per_row,
        "dropped": dropped,
        "targetTokens": target_tokens,
        "weightSum": weight_sum,
        "epochs": options.epochs,
        "steps": step,
        "losses": losses,
        "lr": lr,
        "batchSize": options.batch_size,
        "processes": world,
        "seed": options.seed,
        "seconds": round(time.time() - started, 3),
    }
    if main:
        if mode == "full":
            tokenizer.save_pretrained(partial)
        with open(os.path.join(partial, "trainer_summary.json"), "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=2)
            handle.write("\n")
        if os.path.isdir(options.out):
            os.rmdir(options.out)  # empty (checked before training)
        os.replace(partial, options.out)
        say(f"tripost_trainer: wrote the {'adapter' if mode == 'lora' else 'model'} to '{options.out}' in {summary['seconds']:.1f} s")
    accelerator.wait_for_everyone()
    return summary
