"""Reading rows: spans rows, official rows, UTF-16 offsets, and every bad input as one line, exit 2."""

from __future__ import annotations

import json
import re

import pytest
from conftest import run_module, spans_row, write_jsonl

from tripost_trainer.data import InputError, read_rows


def test_read_rows_reads_a_spans_row_as_its_character_weights(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [spans_row("x", "Q=\nA:1\nF:ok", 6, 1.5)])
    [row] = read_rows(str(path))
    assert row.id == "x"
    assert row.line == 1
    assert row.char_weights() == [1.0] * 6 + [1.5] * 5
    assert row.weight_sum() == 6 + 7.5


def test_read_rows_reads_an_official_row_weighting_from_the_first_anchor(tmp_path):
    text = "Q: 1+1\nA: 2\nFeedback: ok\nFeedback: again"
    rows = [
        {"text": text, "text_att_start_text": "\nFeedback:", "meta_data": {"id": "o1", "weight": 1.5}},
        {"text": text, "text_att_start_text": "\nFeedback:", "meta_data": {"id": "o2", "weight": 2.0, "weightBefore": 0}},
        {"text": text, "text_att_start_text": "\nFeedback:", "meta_data": {}},
    ]
    first, second, third = read_rows(str(write_jsonl(tmp_path / "o.jsonl", rows)), default_weight=1.25)
    at = text.index("\nFeedback:")
    assert first.id == "o1"
    assert first.spans == ((0, at, 1.0), (at, len(text), 1.5))
    assert second.spans == ((0, at, 0.0), (at, len(text), 2.0))
    # Without meta_data.weight, --weight applies (the official self_improve_section_weight).
    assert third.spans == ((0, at, 1.0), (at, len(text), 1.25))
    assert third.id == "line-3"


def test_read_rows_counts_offsets_in_utf16_code_units_as_javascript_does(tmp_path):
    text = "😀=\nF:ok"  # the emoji is two UTF-16 code units, one Python character
    weight_from = len("😀=".encode("utf-16-le")) // 2  # 3 in JavaScript, 2 in Python
    row = {"text": text, "spans": [{"start": 0, "end": weight_from, "weight": 1}, {"start": weight_from, "end": 8, "weight": 2}]}
    [parsed] = read_rows(str(write_jsonl(tmp_path / "u.jsonl", [row])))
    assert parsed.spans == ((0, 2, 1.0), (2, 7, 2.0))
    assert parsed.char_weights() == [1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 2.0]
    split = {"text": text, "spans": [{"start": 0, "end": 1, "weight": 1}, {"start": 1, "end": 8, "weight": 2}]}
    with pytest.raises(InputError, match=r"line 1: field 'spans.0': \[0, 1\) splits a surrogate pair"):
        read_rows(str(write_jsonl(tmp_path / "s.jsonl", [split])))


def test_read_rows_skips_blank_lines_and_keeps_line_numbers(tmp_path):
    path = write_jsonl(tmp_path / "b.jsonl", ["", json.dumps(spans_row("x", "ab", 1, 2)), "   "])
    [row] = read_rows(str(path))
    assert row.line == 2


def span(start, end, weight=1):
    return {"start": start, "end": end, "weight": weight}


BAD_ROWS = [
    ("a row without spans", {"id": "x", "text": "abc"}, r"line 2: field 'spans': missing"),
    ("empty spans", {"text": "abc", "spans": []}, r"line 2: field 'spans': expected a non-empty array"),
    ("an empty text", {"text": "", "spans": [span(0, 0)]}, r"line 2: field 'text': expected a non-empty string"),
    ("a span past the text", {"text": "abc", "spans": [span(0, 2), span(2, 4)]}, r"line 2: field 'spans.1.end': 4 is out of range"),
    ("a negative start", {"text": "abc", "spans": [span(-1, 3)]}, r"line 2: field 'spans.0.start': -1 is out of range"),
    ("an end before its start", {"text": "abc", "spans": [span(0, 2), span(2, 1)]}, r"line 2: field 'spans.1.end': 1 is out of range"),
    ("overlapping spans", {"text": "abcd", "spans": [span(0, 3), span(2, 4)]}, r"line 2: field 'spans.1.start': span \[2, 4\) overlaps the span before it, which ends at 3"),
    ("spans out of order", {"text": "abcd", "spans": [span(2, 4), span(0, 2)]}, r"line 2: field 'spans.0.start': characters \[0, 2\) are in no span"),
    ("a gap", {"text": "abcd", "spans": [span(0, 1), span(2, 4)]}, r"line 2: field 'spans.1.start': characters \[1, 2\) are in no span"),
    ("spans short of the end", {"text": "abcd", "spans": [span(0, 3)]}, r"line 2: field 'spans.0.end': the spans end at 3, the text at 4"),
    ("a negative weight", {"text": "ab", "spans": [span(0, 2, -1)]}, r"line 2: field 'spans.0.weight': expected a finite number ≥ 0, got -1"),
    ("a string weight", {"text": "ab", "spans": [span(0, 2, "1")]}, r"line 2: field 'spans.0.weight': expected a finite number"),
    ("a fractional offset", {"text": "ab", "spans": [span(0, 1.5)]}, r"line 2: field 'spans.0.end': expected an integer, got 1.5"),
    ("a missing anchor", {"text": "Q: 1", "text_att_start_text": "\nFeedback:", "meta_data": {}}, r"line 2: field 'text_att_start_text': \"\\nFeedback:\" does not occur"),
    ("a bad official weight", {"text": "Q: 1", "text_att_start_text": "Q:", "meta_data": {"weight": None}}, r"line 2: field 'meta_data.weight'"),
    ("an array", [1, 2], r"line 2: expected a JSON object"),
]


@pytest.mark.parametrize(("what", "row", "message"), BAD_ROWS, ids=[entry[0] for entry in BAD_ROWS])
def test_read_rows_refuses_a_bad_row_naming_the_file_line_and_field(tmp_path, what, row, message):
    path = write_jsonl(tmp_path / "bad.jsonl", [spans_row("ok", "abc", 1, 1.5), row])
    with pytest.raises(InputError, match=message) as raised:
        read_rows(str(path))
    assert str(raised.value).startswith(f"{path}:line 2: ")
    assert "\n" not in str(raised.value)


def test_read_rows_refuses_unreadable_json_with_its_line_and_column(tmp_path):
    path = write_jsonl(tmp_path / "j.jsonl", [spans_row("ok", "abc", 1, 1.5), '{"text": "abc", "spans": ['])
    with pytest.raises(InputError, match=r"j\.jsonl:line 2: not valid JSON \(Expecting value at column 27\)"):
        read_rows(str(path))


def test_read_rows_refuses_a_missing_file_an_empty_file_and_all_weights_zero(tmp_path):
    with pytest.raises(InputError, match=r"nowhere\.jsonl: cannot read the training data as the file does not exist"):
        read_rows(str(tmp_path / "nowhere.jsonl"))
    with pytest.raises(InputError, match=r"empty\.jsonl: cannot train as the file holds no rows"):
        read_rows(str(write_jsonl(tmp_path / "empty.jsonl", ["", ""])))
    zeros = [spans_row("a", "abc", 1, 0, before=0), {"text": "Q: x", "text_att_start_text": "Q:", "meta_data": {"weight": 0}}]
    with pytest.raises(InputError, match=r"zeros\.jsonl: cannot train as every weight of its 2 rows is 0"):
        read_rows(str(write_jsonl(tmp_path / "zeros.jsonl", zeros)))


def test_the_cli_prints_one_line_and_exits_2_on_bad_input_writing_nothing(tmp_path, model_dir):
    out = tmp_path / "out"
    cases = [
        ([spans_row("ok", "abc", 1, 1.5), {"text": "abcd", "spans": [span(0, 3), span(2, 4)]}], r"bad\.jsonl:line 2: field 'spans\.1\.start': span \[2, 4\) overlaps"),
        ([spans_row("ok", "abc", 1, 1.5), "{oops"], r"bad\.jsonl:line 2: not valid JSON"),
        ([{"id": "x", "text": "abc"}], r"bad\.jsonl:line 1: field 'spans': missing"),
        ([spans_row("a", "abc", 1, 0, before=0)], r"bad\.jsonl: cannot train as every weight of its 1 rows is 0"),
    ]
    for rows, message in cases:
        path = write_jsonl(tmp_path / "bad.jsonl", rows)
        result = run_module("tripost_trainer", "--data", str(path), "--base", str(model_dir), "--out", str(out), timeout=60)
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith("tripost_trainer: ")
        assert re.search(message, result.stderr), result.stderr
        assert not out.exists()
    missing = run_module("tripost_trainer", "--data", str(tmp_path / "none.jsonl"), "--base", str(model_dir), "--out", str(out), timeout=60)
    assert missing.returncode == 2
    assert "none.jsonl: cannot read the training data as the file does not exist" in missing.stderr
    flag = run_module("tripost_trainer", "--data", str(path), "--base", str(model_dir), "--out", str(out), "--epochs", "0", timeout=60)
    assert flag.returncode == 2
    assert flag.stderr.count("\n") == 1
    assert "--epochs" in flag.stderr
