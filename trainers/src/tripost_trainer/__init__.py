"""TriPosT's weighted fine-tuning of Hugging Face causal LMs: ``python -m tripost_trainer``.

- :mod:`tripost_trainer.data` reads and checks the rows (``spans`` export, official rows);
- :mod:`tripost_trainer.weights` turns character spans into token weights and computes the loss
  (the straddling rule and the normalisation are stated there);
- :mod:`tripost_trainer.train` loads, trains (under ``accelerate launch`` too) and saves;
- :mod:`tripost_trainer.serve` is a small OpenAI-compatible server with vLLM's LoRA routes, for
  tests and CPU runs;
- :mod:`tripost_trainer.tiny` builds a tiny LLaMA-architecture model and tokenizer offline.
"""

__version__ = "0.1.0"
