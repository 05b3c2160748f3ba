"""Property tests (hypothesis, seeded): the spans reader, the token weights and the padded loss."""

from __future__ import annotations

import json

import pytest
import torch
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tripost_trainer.data import InputError, parse_spans_row
from tripost_trainer.tiny import build_model, build_tokenizer
from tripost_trainer.weights import encode_row, pad_batch, weighted_loss, weighted_sum_and_count

ALPHABET = "ab.\nF:0123456789-+*=()"
WEIGHTS = st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0])
MERGES = [(".", "\n"), ("9", "\n"), ("\n", "F"), ("F", ":"), ("=", "\n"), ("1", "2")]
MERGE_TOKENIZER = build_tokenizer(merges=MERGES)
PLAIN_TOKENIZER = build_tokenizer()


@st.composite
def spanned_texts(draw, alphabet: str = ALPHABET):
    """A text, its spans (contiguous, covering, some empty) as UTF-16 offsets, and each character's weight."""
    text = draw(st.text(alphabet=alphabet, min_size=1, max_size=40))
    units = [2 if ord(c) >= 0x10000 else 1 for c in text]
    boundaries = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=4))) | {0, len(text)})
    # Empty spans are allowed: repeat a boundary now and then.
    if draw(st.booleans()):
        boundaries.insert(draw(st.integers(0, len(boundaries) - 1)), boundaries[0])
        boundaries.sort()
    weights = [draw(WEIGHTS) for _ in boundaries[1:]]
    offset = [sum(units[:i]) for i in range(len(text) + 1)]
    spans = [{"start": offset[a], "end": offset[b], "weight": w} for a, b, w in zip(boundaries, boundaries[1:], weights)]
    char_weights = [0.0] * len(text)
    for a, b, w in zip(boundaries, boundaries[1:], weights):
        for i in range(a, b):
            char_weights[i] = w
    return text, spans, char_weights


PROPERTY = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@seed(14)
@PROPERTY
@given(spanned_texts(alphabet=ALPHABET + "é😀"))
def test_a_valid_spans_row_reads_back_to_its_character_weights(case):
    text, spans, char_weights = case
    row = parse_spans_row({"id": "x", "text": text, "spans": spans}, "f:line 1", 1)
    assert row.char_weights() == char_weights
    assert row.weight_sum() == sum(char_weights)


@seed(15)
@PROPERTY
@given(spanned_texts(), st.integers(0, 3), st.integers(-2, 2))
def test_a_moved_span_edge_is_refused_naming_the_span(case, which, shift):
    text, spans, _ = case
    if shift == 0 or which >= len(spans):
        return
    moved = json.loads(json.dumps(spans))
    moved[which]["end"] += shift  # now a gap, an overlap, a span out of range or short of the end
    with pytest.raises(InputError, match=r"^f:line 1: field 'spans\.\d+\.(start|end)': "):
        parse_spans_row({"text": text, "spans": moved}, "f:line 1", 1)


@seed(16)
@PROPERTY
@given(spanned_texts())
def test_every_token_takes_the_weight_of_its_first_character(case):
    text, spans, char_weights = case
    row = parse_spans_row({"text": text, "spans": spans}, "f:line 1", 1)
    for tokenizer in (MERGE_TOKENIZER, PLAIN_TOKENIZER):
        ids, weights = encode_row(tokenizer, row)
        offsets = tokenizer(text, return_offsets_mapping=True)["offset_mapping"]
        assert ids[-1] == tokenizer.eos_token_id
        assert weights[0] == 0.0
        # Tokens 1 .. n-2 are the text's (after <s>), the last one the appended </s>.
        for (start, end), weight in zip(offsets[1:], weights[1:-1]):
            assert end > start
            assert weight == char_weights[start]
        assert weights[-1] == char_weights[-1]
    # One token per character: the targets' weights are exactly the characters' weights, and </s>.
    _, plain = encode_row(PLAIN_TOKENIZER, row)
    assert plain[1:] == char_weights + [char_weights[-1]]


MODEL = build_model(PLAIN_TOKENIZER, hidden=16, layers=1, heads=2, seed=3).eval()


@seed(17)
@settings(max_examples=25, deadline=None, database=None)
@given(st.lists(spanned_texts(), min_size=1, max_size=4), st.integers(0, 5))
def test_the_loss_of_any_batch_is_the_same_padded_as_text_by_text(cases, extra_padding):
    rows = [parse_spans_row({"text": text, "spans": spans}, "f:line 1", 1) for text, spans, _ in cases]
    items = [encode_row(PLAIN_TOKENIZER, row) for row in rows]
    total, count = torch.tensor(0.0, dtype=torch.float64), 0
    with torch.no_grad():
        for ids, weights in items:
            single = pad_batch([(ids, weights)], PLAIN_TOKENIZER.pad_token_id)
            part, n = weighted_sum_and_count(MODEL(input_ids=single["input_ids"]).logits, single["input_ids"], single["weights"])
            total += part.double()
            count += int(n)
        longest = max(len(ids) for ids, _ in items)
        filler = ([PLAIN_TOKENIZER.pad_token_id] * (longest + extra_padding), [0.0] * (longest + extra_padding))
        batch = pad_batch([*items, filler], PLAIN_TOKENIZER.pad_token_id)
        loss = weighted_loss(MODEL(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits, batch["input_ids"], batch["weights"])
    expected = float(total / count) if count else 0.0
    assert abs(float(loss) - expected) <= 1e-5 * max(1.0, abs(expected))
