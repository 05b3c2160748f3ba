"""Character weights → token weights, and TriPosT's weighted loss.

**Tokens.** A text is tokenized with the tokenizer's special tokens (a BOS where the model has
one) and the EOS token is appended when the tokenizer does not add it, so that the model learns
to stop (``docs/tripost.md`` §7.3 recommends it). Offsets come from a fast tokenizer
(``return_offsets_mapping``).

**The weight of a token** (the straddling rule): *a token takes the weight of its first
character*. A token that straddles a span boundary — e.g. ``".\\n"`` where the weighted span
starts at the ``"\\n"`` of ``"\\nFeedback:"`` — therefore takes the weight before the boundary.
A token is thus up-weighted only when it begins inside the weighted span. (The rule is our
choice: ``docs/tripost.md`` does not say how the official code maps ``text_att_start_text`` to a
token.) A token with an empty offset range (a special token)
takes the weight of the character at its offset (the last character when it is at the end);
the appended EOS takes the weight of the text's last character. Several tokens of one
character (byte-level pieces of a multi-byte character) each take that character's weight.

**The loss** (``docs/tripost.md`` §7.1, the official ``LossMaskedTrainer``): the token at position
t ≥ 1 is predicted from positions < t, and

    loss = Σ_t w_t · CE(logits_{t-1}, x_t)  /  N,    N = #{t : w_t ≠ 0}

summed over every text of the batch. The position 0 (nothing predicts it) and padding have
weight 0. A weight of 0 is a mask: that token is neither trained nor counted, as the official
``loss_mask`` (``mask_before_att_start_text``) does; every other weight counts its token once
in N, so N is the official unweighted token count. Padding changes neither sum, so a batch
gives the same loss padded or not. With several processes (``accelerate launch``) N is summed
over all of them and each process's loss is multiplied by their number, so that the gradient
DDP averages is exactly that of the whole global batch in one process.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

from .data import Row


def token_weights(offsets: Sequence[tuple[int, int]], char_weights: Sequence[float]) -> list[float]:
    """The weight of every token, by its offsets (the first character's weight)."""
    length = len(char_weights)
    weights: list[float] = []
    for start, end in offsets:
        if length == 0:
            weights.append(0.0)
        elif start < length:
            weights.append(char_weights[start])
        else:
            weights.append(char_weights[length - 1])
    return weights


def encode_row(tokenizer, row: Row) -> tuple[list[int], list[float]]:
    """The token ids of a row (EOS appended) and the weight of each token as a target (position 0: 0)."""
    encoded = tokenizer(row.text, add_special_tokens=True, return_offsets_mapping=True)
    ids = list(encoded["input_ids"])
    offsets = [tuple(pair) for pair in encoded["offset_mapping"]]
    char_weights = row.char_weights()
    weights = token_weights(offsets, char_weights)
    eos = tokenizer.eos_token_id
    if eos is not None and ids and ids[-1] == eos and offsets[-1][0] == offsets[-1][1]:
        weights[-1] = char_weights[-1]  # an EOS the tokenizer appends: the last character's weight
    elif eos is not None:
        ids.append(eos)
        weights.append(char_weights[-1])
    if weights:
        weights[0] = 0.0  # nothing predicts the first token
    return ids, weights


def pad_batch(items: Sequence[tuple[list[int], list[float]]], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-pads a batch: input ids, attention mask, and weights (0 on padding)."""
    width = max(len(ids) for ids, _ in items)
    input_ids = torch.full((len(items), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(items), width), dtype=torch.long)
    weights = torch.zeros((len(items), width), dtype=torch.float32)
    for index, (ids, row_weights) in enumerate(items):
        input_ids[index, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        attention[index, : len(ids)] = 1
        weights[index, : len(ids)] = torch.tensor(row_weights, dtype=torch.float32)
    return {"input_ids": input_ids, "attention_mask": attention, "weights": weights}


def weighted_sum_and_count(logits: torch.Tensor, input_ids: torch.Tensor, weights: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Σ_t w_t · CE(logits_{t-1}, x_t) (in float32) and N = #{t : w_t ≠ 0} over the batch."""
    shifted = logits[:, :-1, :].float()
    targets = input_ids[:, 1:]
    target_weights = weights[:, 1:].to(shifted.device, torch.float32)
    losses = F.cross_entropy(shifted.reshape(-1, shifted.shape[-1]), targets.reshape(-1), reduction="none").view_as(target_weights)
    total = (losses * target_weights).sum()
    count = (target_weights != 0).sum()
    return total, count


def weighted_loss(logits: torch.Tensor, input_ids: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """TriPosT's loss of one batch in one process: Σ w·CE / N."""
    total, count = weighted_sum_and_count(logits, input_ids, weights)
    return total / count.clamp(min=1)


def process_loss(total: torch.Tensor, global_count: torch.Tensor, processes: int) -> torch.Tensor:
    """One process's share of the loss of a global batch: Σ_local / N_global × P (DDP averages the P gradients)."""
    return total / global_count.clamp(min=1) * processes
