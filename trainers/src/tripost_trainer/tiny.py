"""A tiny LLaMA-architecture model and a tokenizer built offline (nothing is downloaded).

For tests and CPU runs: a character-level BPE tokenizer over printable ASCII (plus the characters
of given texts and optional merges), wrapped in ``PreTrainedTokenizerFast`` with ``<s>`` added in
front of every text; and a randomly initialised ``LlamaForCausalLM`` from a ``LlamaConfig``.

    python -m tripost_trainer.tiny --out DIR [--texts FILE] [--hidden 64] [--layers 2] [--seed 0]

writes both to DIR (``save_pretrained``); ``--texts`` (JSONL with a ``text`` field, or plain
lines) adds the characters its texts use to the vocabulary.
"""

from __future__ import annotations

import argparse
import json
import string
import sys
from collections.abc import Iterable, Sequence

SPECIAL_TOKENS = ("<unk>", "<s>", "</s>", "<pad>")
ALPHABET = string.printable  # digits, letters, punctuation, whitespace


def build_tokenizer(characters: Iterable[str] = (), merges: Sequence[tuple[str, str]] = (), bos: bool = True):
    """A fast tokenizer: one token per character unless `merges` join some (applied in order)."""
    from tokenizers import Tokenizer, decoders, models, processors
    from transformers import PreTrainedTokenizerFast

    vocab: dict[str, int] = {}
    for token in (*SPECIAL_TOKENS, *ALPHABET, *sorted(set(characters))):
        vocab.setdefault(token, len(vocab))
    for left, right in merges:
        vocab.setdefault(left + right, len(vocab))
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=list(merges), unk_token="<unk>"))
    tokenizer.decoder = decoders.Fuse()
    if bos:
        tokenizer.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A $B", special_tokens=[("<s>", vocab["<s>"])])
    tokenizer.add_special_tokens(list(SPECIAL_TOKENS))
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
        model_input_names=["input_ids", "attention_mask"],
    )


def build_model(tokenizer, hidden: int = 32, layers: int = 2, heads: int = 4, seed: int = 0, max_positions: int = 512):
    """A random LlamaForCausalLM sized for `tokenizer`, initialised from `seed`."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=2 * hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=heads,
        max_position_embeddings=max_positions,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
    )
    torch.manual_seed(seed)
    return LlamaForCausalLM(config)


def _texts(path: str) -> list[str]:
    texts = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line:
                continue
            try:
                value = json.loads(line)
                texts.append(value["text"] if isinstance(value, dict) and isinstance(value.get("text"), str) else line)
            except json.JSONDecodeError:
                texts.append(line)
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tripost_trainer.tiny", description="Write a tiny random LLaMA model and its tokenizer to a directory.")
    parser.add_argument("--out", required=True)
    parser.add_argument("--texts", help="JSONL (a 'text' field) or plain lines whose characters join the vocabulary")
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    characters = "".join(_texts(args.texts)) if args.texts else ""
    tokenizer = build_tokenizer(characters)
    model = build_model(tokenizer, hidden=args.hidden, layers=args.layers, heads=args.heads, seed=args.seed)
    model.save_pretrained(args.out)
    tokenizer.save_pretrained(args.out)
    sys.stdout.write(f"tripost_trainer.tiny: wrote a {sum(p.numel() for p in model.parameters())}-parameter LLaMA and a {len(tokenizer)}-token tokenizer to '{args.out}'\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
