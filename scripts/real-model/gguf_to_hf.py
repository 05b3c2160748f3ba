"""Writes the real model's GGUF file as a Hugging Face model directory (float32 weights, fast
tokenizer, chat template), for the trainer (`python -m tripost_trainer`) and its test server.

    PYTHONPATH=.real-model/gguf-lib trainers/.venv/bin/python scripts/real-model/gguf_to_hf.py GGUF OUT_DIR

transformers reads GGUF files with the `gguf` package (dequantizing Q4_1 to float32).
"""

import os
import sys


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: gguf_to_hf.py GGUF OUT_DIR", file=sys.stderr)
        return 2
    gguf, out = sys.argv[1], sys.argv[2]
    if not os.path.isfile(gguf):
        print(f"gguf_to_hf.py: Cannot read the GGUF file {gguf}: it does not exist", file=sys.stderr)
        return 2
    from transformers import AutoModelForCausalLM, AutoTokenizer

    directory, name = os.path.split(os.path.abspath(gguf))
    tokenizer = AutoTokenizer.from_pretrained(directory, gguf_file=name)
    # transformers' GGUF tokenizer adds a BOS token; llama.cpp follows the file's
    # tokenizer.ggml.add_bos_token (false for SmolLM2): train on the tokens the server sees.
    from gguf import GGUFReader

    fields = GGUFReader(gguf).fields

    def value(key):
        field = fields.get(key)
        return None if field is None else field.parts[field.data[0]][0]

    if value("tokenizer.ggml.add_bos_token") is not None and hasattr(tokenizer, "add_bos_token"):
        tokenizer.add_bos_token = bool(value("tokenizer.ggml.add_bos_token"))
    # It also takes the BOS token for EOS (SmolLM2: <|im_start|> instead of <|im_end|>), and the
    # trainer appends EOS to every text: set EOS and padding from the file's token ids.
    for key, attribute in (("tokenizer.ggml.eos_token_id", "eos_token"), ("tokenizer.ggml.padding_token_id", "pad_token")):
        token_id = value(key)
        if token_id is not None:
            setattr(tokenizer, attribute, tokenizer.convert_ids_to_tokens(int(token_id)))
    # SmolLM2 ties its output head to the token embeddings: the GGUF file has no output.weight,
    # and transformers' GGUF config does not say so (the head would be left random).
    model = AutoModelForCausalLM.from_pretrained(directory, gguf_file=name, tie_word_embeddings=True)
    partial = f"{out}.partial"
    model.save_pretrained(partial)
    tokenizer.save_pretrained(partial)
    # The slow tokenizer's "vocabulary file" is the GGUF file itself: tokenizer.json is what counts.
    if os.path.exists(os.path.join(partial, "tokenizer.json")) and os.path.exists(os.path.join(partial, "tokenizer.model")):
        os.remove(os.path.join(partial, "tokenizer.model"))
    os.replace(partial, out)
    print(f"gguf_to_hf.py: {sum(p.numel() for p in model.parameters())} parameters written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
