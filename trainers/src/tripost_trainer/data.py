"""Reading the training rows: the `spans` export of `tripost export` and official TriPosT rows.

A **spans row** is ``{"id"?, "kind"?, "text": str, "spans": [{"start", "end", "weight"}, ...]}``:
character spans ``[start, end)`` of ``text`` and the loss weight of their characters. Offsets
count UTF-16 code units, as JavaScript (and so ``tripost export``) counts them; for text in the
Basic Multilingual Plane that is the character index. The spans must be in order, must not
overlap, and must cover the whole text (an empty span is allowed); weights are finite and ≥ 0.

An **official row** is ``{"text", "text_att_start_text", "meta_data": {"weight"?, "weightBefore"?, ...}}``
(``docs/tripost.md`` §6, §7.1): the weight ``meta_data.weight`` (or ``--weight`` when absent) applies
from the first occurrence of ``text_att_start_text`` to the end, ``meta_data.weightBefore``
(default 1) before it.

Every problem is an :class:`InputError` whose message names the file, the line and the field.
Nothing here imports torch, so bad input is refused within a fraction of a second.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass


class InputError(Exception):
    """Bad input: the message is one line naming the file, the line and the field."""


@dataclass(frozen=True)
class Row:
    """One training text and its per-character weights as spans of Python string indices."""

    id: str
    text: str
    # (start, end, weight) with start/end indices into `text` (code points), in order, covering it.
    spans: tuple[tuple[int, int, float], ...]
    line: int

    def char_weights(self) -> list[float]:
        """The weight of every character of the text."""
        weights = [0.0] * len(self.text)
        for start, end, weight in self.spans:
            for index in range(start, end):
                weights[index] = weight
        return weights

    def weight_sum(self) -> float:
        """Σ over characters of their weight."""
        return sum((end - start) * weight for start, end, weight in self.spans)


def _utf16_index(text: str) -> list[int] | None:
    """Maps UTF-16 offsets to string indices (None when every character is in the BMP)."""
    if all(ord(character) < 0x10000 for character in text):
        return None
    mapping: list[int] = []
    for index, character in enumerate(text):
        mapping.append(index)
        if ord(character) >= 0x10000:
            mapping.append(-1)  # the middle of a surrogate pair: no character boundary
    mapping.append(len(text))
    return mapping


def _utf16_length(text: str) -> int:
    return sum(2 if ord(character) >= 0x10000 else 1 for character in text)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _weight(value: object, where: str) -> float:
    if not _is_number(value) or value < 0:
        raise InputError(f"{where}: expected a finite number ≥ 0, got {json.dumps(value)}")
    return float(value)


def parse_spans_row(value: dict, where: str, line: int) -> Row:
    """A spans row; `where` is "FILE:line N" for messages."""
    text = value.get("text")
    if not isinstance(text, str) or text == "":
        raise InputError(f"{where}: field 'text': expected a non-empty string")
    spans = value.get("spans")
    if not isinstance(spans, list) or len(spans) == 0:
        raise InputError(f"{where}: field 'spans': expected a non-empty array of {{start, end, weight}}")
    length = _utf16_length(text)
    mapping = _utf16_index(text)
    parsed: list[tuple[int, int, float]] = []
    previous_end = 0
    for number, span in enumerate(spans):
        field = f"spans.{number}"
        if not isinstance(span, dict):
            raise InputError(f"{where}: field '{field}': expected an object {{start, end, weight}}")
        start, end = span.get("start"), span.get("end")
        if not _is_int(start):
            raise InputError(f"{where}: field '{field}.start': expected an integer, got {json.dumps(start)}")
        if not _is_int(end):
            raise InputError(f"{where}: field '{field}.end': expected an integer, got {json.dumps(end)}")
        weight = _weight(span.get("weight"), f"{where}: field '{field}.weight'")
        if start < 0 or start > length:
            raise InputError(f"{where}: field '{field}.start': {start} is out of range (the text has {length} characters)")
        if end < start or end > length:
            raise InputError(f"{where}: field '{field}.end': {end} is out of range (from start {start} to the text's {length} characters)")
        if start < previous_end:
            raise InputError(f"{where}: field '{field}.start': span [{start}, {end}) overlaps the span before it, which ends at {previous_end}")
        if start > previous_end:
            raise InputError(f"{where}: field '{field}.start': characters [{previous_end}, {start}) are in no span (the spans must cover the text)")
        if mapping is not None:
            if mapping[start] < 0 or mapping[end] < 0:
                raise InputError(f"{where}: field '{field}': [{start}, {end}) splits a surrogate pair")
            start, end = mapping[start], mapping[end]
        parsed.append((start, end, weight))
        previous_end = span["end"]
    if previous_end != length:
        raise InputError(f"{where}: field 'spans.{len(spans) - 1}.end': the spans end at {previous_end}, the text at {length} (the spans must cover the text)")
    identifier = value.get("id")
    return Row(id=identifier if isinstance(identifier, str) else f"line-{line}", text=text, spans=tuple(parsed), line=line)


def parse_official_row(value: dict, where: str, line: int, default_weight: float) -> Row:
    """An official TriPosT row: w from the first occurrence of `text_att_start_text` on."""
    text = value.get("text")
    if not isinstance(text, str) or text == "":
        raise InputError(f"{where}: field 'text': expected a non-empty string")
    anchor = value.get("text_att_start_text")
    if not isinstance(anchor, str) or anchor == "":
        raise InputError(f"{where}: field 'text_att_start_text': expected a non-empty string")
    meta = value.get("meta_data", {})
    if not isinstance(meta, dict):
        raise InputError(f"{where}: field 'meta_data': expected an object")
    weight = _weight(meta["weight"], f"{where}: field 'meta_data.weight'") if "weight" in meta else default_weight
    before = _weight(meta["weightBefore"], f"{where}: field 'meta_data.weightBefore'") if "weightBefore" in meta else 1.0
    at = text.find(anchor)
    if at < 0:
        raise InputError(f"{where}: field 'text_att_start_text': {json.dumps(anchor)} does not occur in 'text'")
    identifier = meta.get("id", value.get("id"))
    return Row(
        id=identifier if isinstance(identifier, str) else f"line-{line}",
        text=text,
        spans=((0, at, before), (at, len(text), weight)),
        line=line,
    )


def read_rows(path: str, default_weight: float = 1.0) -> list[Row]:
    """Every row of a JSONL file (blank lines skipped), checked; at least one weight must be > 0."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
    except FileNotFoundError:
        raise InputError(f"{path}: cannot read the training data as the file does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{path}: cannot read the training data as it is a directory") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: cannot read the training data as it is not UTF-8 ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read the training data: {error.strerror}") from None
    rows: list[Row] = []
    for number, text in enumerate(lines, start=1):
        if text.strip() == "":
            continue
        where = f"{path}:line {number}"
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(f"{where}: not valid JSON ({error.msg} at column {error.colno})") from None
        if not isinstance(value, dict):
            raise InputError(f"{where}: expected a JSON object")
        if "spans" in value:
            rows.append(parse_spans_row(value, where, number))
        elif "text_att_start_text" in value:
            rows.append(parse_official_row(value, where, number, default_weight))
        else:
            raise InputError(f"{where}: field 'spans': missing (expected a spans row {{text, spans}} or an official row {{text, text_att_start_text, meta_data}})")
    if not rows:
        raise InputError(f"{path}: cannot train as the file holds no rows")
    if all(row.weight_sum() == 0 for row in rows):
        raise InputError(f"{path}: cannot train as every weight of its {len(rows)} rows is 0")
    return rows
