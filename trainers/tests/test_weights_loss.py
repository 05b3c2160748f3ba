"""Token weights (the straddling rule) and the weighted loss: a hand computation, padding, gradients."""

from __future__ import annotations

import math

import pytest
import torch

from tripost_trainer.data import Row
from tripost_trainer.tiny import build_model, build_tokenizer
from tripost_trainer.weights import encode_row, pad_batch, process_loss, token_weights, weighted_loss, weighted_sum_and_count


def row(text: str, weight_from: int, weight: float, before: float = 1.0) -> Row:
    return Row(id="r", text=text, spans=((0, weight_from, before), (weight_from, len(text), weight)), line=1)


def tokens_and_weights(tokenizer, r: Row) -> list[tuple[str, float]]:
    ids, weights = encode_row(tokenizer, r)
    return list(zip(tokenizer.convert_ids_to_tokens(ids), weights))


def test_a_token_straddling_weight_from_takes_the_weight_of_its_first_character(merge_tokenizer):
    text = "A:9\nF:4"
    # weightFrom at the "\n" of "\nF:": the merged token "9\n" starts before it.
    assert tokens_and_weights(merge_tokenizer, row(text, 3, 1.5)) == [
        ("<s>", 0.0), ("A", 1.0), (":", 1.0), ("9\n", 1.0), ("F", 1.5), (":", 1.5), ("4", 1.5), ("</s>", 1.5),
    ]
    # weightFrom at the "9": the token starts there and takes w.
    assert tokens_and_weights(merge_tokenizer, row(text, 2, 1.5))[3] == ("9\n", 1.5)
    # weightFrom inside "9\n" one character later than in the first case is the same boundary for it.
    assert tokens_and_weights(merge_tokenizer, row("x.\nF", 2, 2.0)) == [("<s>", 0.0), ("x", 1.0), (".\n", 1.0), ("F", 2.0), ("</s>", 2.0)]


def test_token_weights_follow_the_first_character_for_any_offsets():
    char_weights = [1.0, 1.0, 3.0, 3.0, 0.5]
    offsets = [(0, 0), (0, 2), (1, 3), (2, 2), (3, 5), (4, 5), (5, 5)]
    assert token_weights(offsets, char_weights) == [1.0, 1.0, 1.0, 3.0, 3.0, 0.5, 0.5]


def test_every_character_is_a_target_once_so_the_weight_sum_is_exact(tokenizer):
    # One token per character, <s> in front, </s> appended: targets are every character and </s>.
    r = Row(id="r", text="12+3=\n15\nF:ok", spans=((0, 4, 1.0), (4, 9, 0.0), (9, 13, 1.5)), line=1)
    ids, weights = encode_row(tokenizer, r)
    assert len(ids) == len(r.text) + 2
    assert sum(weights[1:]) == pytest.approx(r.weight_sum() + 1.5)
    assert weights[1:] == r.char_weights() + [1.5]


def test_a_tokenizer_without_bos_leaves_the_first_character_untrained():
    plain = build_tokenizer(bos=False)
    ids, weights = encode_row(plain, row("ab", 1, 2.0))
    assert plain.convert_ids_to_tokens(ids) == ["a", "b", "</s>"]
    assert weights == [0.0, 2.0, 2.0]


@pytest.fixture(scope="module")
def model(tokenizer):
    return build_model(tokenizer, hidden=32, layers=2, seed=1).eval()


def hand_loss(model, tokenizer, rows: list[Row]) -> float:
    """Σ w·(−log p(x_t | x_<t)) / #{w ≠ 0}, one text at a time, with explicit loops."""
    total, count = 0.0, 0
    for r in rows:
        ids, weights = encode_row(tokenizer, r)
        with torch.no_grad():
            logits = model(input_ids=torch.tensor([ids])).logits[0].double()
        for t in range(1, len(ids)):
            if weights[t] == 0:
                continue
            row_logits = logits[t - 1]
            log_z = math.log(sum(math.exp(float(v)) for v in row_logits))
            total += weights[t] * (log_z - float(row_logits[ids[t]]))
            count += 1
    return total / count


def test_the_loss_of_a_two_text_batch_equals_the_hand_computation(model, tokenizer):
    rows = [row("((4-7)*2)=\n-3*2=-6\nA:-6\nF:ok", 23, 1.5), row("9-1=\n8\nA:8\nF:2:9-1=8", 11, 1.5, before=0.0)]
    batch = pad_batch([encode_row(tokenizer, r) for r in rows], tokenizer.pad_token_id)
    assert batch["attention_mask"][1].sum() < batch["attention_mask"][0].sum()  # the second is padded
    with torch.no_grad():
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    loss = weighted_loss(logits, batch["input_ids"], batch["weights"])
    assert float(loss) == pytest.approx(hand_loss(model, tokenizer, rows), rel=1e-5)
    total, count = weighted_sum_and_count(logits, batch["input_ids"], batch["weights"])
    # N counts the tokens of weight ≠ 0: all of the first text's 30 targets, 11 of the second's.
    assert int(count) == (len(rows[0].text) + 1) + (len(rows[1].text) - 11 + 1)


def test_the_loss_is_the_same_padded_or_not(model, tokenizer):
    rows = [row("((4-7)*2)=\n-3*2=-6\nA:-6", 11, 1.5), row("1+1=\n2", 4, 2.0)]
    items = [encode_row(tokenizer, r) for r in rows]
    sums = []
    for item in items:
        single = pad_batch([item], tokenizer.pad_token_id)
        with torch.no_grad():
            logits = model(input_ids=single["input_ids"]).logits
        sums.append(weighted_sum_and_count(logits, single["input_ids"], single["weights"]))
    unpadded = (sums[0][0] + sums[1][0]) / (sums[0][1] + sums[1][1])
    padded = pad_batch(items, tokenizer.pad_token_id)
    # More padding than needed changes nothing either.
    wider = pad_batch([*items, (items[0][0] + [tokenizer.pad_token_id] * 7, [0.0] * (len(items[0][0]) + 7))], tokenizer.pad_token_id)
    for batch in (padded, wider):
        with torch.no_grad():
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        assert float(weighted_loss(logits, batch["input_ids"], batch["weights"])) == pytest.approx(float(unpadded), rel=1e-5)


def logit_gradients(logits: torch.Tensor, batch, weights: torch.Tensor) -> torch.Tensor:
    leaf = logits.detach().clone().requires_grad_(True)
    weighted_loss(leaf, batch["input_ids"], weights).backward()
    return leaf.grad


def test_tokens_of_weight_zero_get_zero_gradient_and_a_weight_w_scales_it_by_w(model, tokenizer):
    rows = [row("((4-7)*2)=\n-3*2=-6\nA:-6\nF:ok", 23, 1.5, before=0.0), row("1+1=\n2\nF:ok", 6, 1.5)]
    batch = pad_batch([encode_row(tokenizer, r) for r in rows], tokenizer.pad_token_id)
    with torch.no_grad():
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    weights = batch["weights"]
    gradient = logit_gradients(logits, batch, weights)
    # Position t-1 predicts token t: its logits' gradient is zero exactly when w_t = 0 (masked, padding).
    predicts_zero = weights[:, 1:] == 0
    assert predicts_zero.any()
    assert torch.all(gradient[:, :-1][predicts_zero] == 0)
    assert torch.all(gradient[:, :-1][~predicts_zero].abs().sum(-1) > 0)
    assert torch.all(gradient[:, -1] == 0)  # the last position predicts nothing
    # Scale one token's weight by 3.7 (N is unchanged as it stays non-zero): its gradient scales exactly.
    b, t = 1, 8
    assert weights[b, t] == 1.5
    scaled = weights.clone()
    scaled[b, t] *= 3.7
    gradient_scaled = logit_gradients(logits, batch, scaled)
    torch.testing.assert_close(gradient_scaled[b, t - 1], 3.7 * gradient[b, t - 1], rtol=1e-6, atol=0)
    others = torch.ones_like(gradient[..., 0], dtype=torch.bool)
    others[b, t - 1] = False
    torch.testing.assert_close(gradient_scaled[others], gradient[others], rtol=0, atol=0)


def test_the_loss_is_split_exactly_over_processes(model, tokenizer):
    """What train() does under accelerate: Σ_local / N_global × P per process, averaged by DDP."""
    rows = [row("((4-7)*2)=\n-3*2=-6", 11, 1.5), row("1+1=\n2", 4, 2.0), row("9-1=\n8\nF:ok", 6, 1.5, before=0.0)]
    items = [encode_row(tokenizer, r) for r in rows]

    def sum_count(part):
        batch = pad_batch(part, tokenizer.pad_token_id)
        with torch.no_grad():
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        return weighted_sum_and_count(logits, batch["input_ids"], batch["weights"])

    whole = sum_count(items)
    shares = [sum_count(items[:2]), sum_count(items[2:])]
    global_count = sum(count for _, count in shares)
    processes = len(shares)
    averaged = sum(process_loss(total, global_count, processes) for total, _ in shares) / processes
    assert float(averaged) == pytest.approx(float(whole[0] / whole[1]), rel=1e-5)
