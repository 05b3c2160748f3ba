"""A small OpenAI-compatible server for a Hugging Face causal LM, with vLLM's runtime LoRA routes.

    python -m tripost_trainer.serve --model DIR [--served-model-name NAME] [--host 127.0.0.1] [--port 0]

For tests and CPU runs of ``tripost run`` with this trainer (a real vLLM serves real models on
GPUs): it answers ``GET /v1/models``, ``POST /v1/completions`` and ``POST /v1/chat/completions``
(with the tokenizer's chat template) with ``transformers``' ``generate``, and loads trained
adapters as vLLM does with ``VLLM_ALLOW_RUNTIME_LORA_UPDATING=True``:
``POST /v1/load_lora_adapter {lora_name, lora_path, load_inplace}`` (an existing name is refused
unless ``load_inplace`` is true; the path must hold ``adapter_config.json``) and
``POST /v1/unload_lora_adapter {lora_name}``. A request names the base model or a loaded adapter;
the adapter's weights really answer it (PEFT, the adapter set active for that request).

Requests are answered one at a time (one model, one lock). Sampling follows ``temperature``
(0: greedy), ``top_p``, ``max_tokens`` (default 16), ``stop`` (a string or a list: the text is
cut before the first one, which is not returned), ``n`` and ``seed`` (the same seed gives the
same text). Errors use vLLM's flat body ``{"object": "error", "message", "type", "code"}``.

On start it prints ``tripost_trainer.serve: listening on http://HOST:PORT/v1`` on stdout, and one
line per request (route, model, status) after it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .train import is_adapter


class _Refusal(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class Engine:
    """The model, its adapters and generation (callers hold `lock`)."""

    def __init__(self, model_path: str, served_name: str):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.torch = torch
        self.lock = threading.Lock()
        self.served_name = served_name
        self.tokenizer = AutoTokenizer.from_pretrained(model_path)
        self.base = AutoModelForCausalLM.from_pretrained(model_path, torch_dtype=torch.float32)
        self.base.eval()
        self.model = self.base  # a PeftModel once an adapter is loaded
        self.adapters: dict[str, str] = {}

    # -- adapters ------------------------------------------------------------------------------
    def load_adapter(self, name: str, path: str, inplace: bool) -> None:
        from peft import PeftModel

        if name == self.served_name:
            raise _Refusal(400, f"The lora adapter name '{name}' is the base model's name.")
        if name in self.adapters and not inplace:
            raise _Refusal(400, f"The lora adapter '{name}' has already been loaded. If you want to load the adapter in place, set 'load_inplace' to True.")
        if not is_adapter(path):
            raise _Refusal(400, f"No adapter found for {path}")
        try:
            if name in self.adapters:
                self._remove(name)
            if self.model is self.base:
                self.model = PeftModel.from_pretrained(self.base, path, adapter_name=name)
            else:
                self.model.load_adapter(path, adapter_name=name)
        except Exception as error:  # noqa: BLE001 - the client gets the reason
            raise _Refusal(400, f"Cannot load the lora adapter '{name}' from {path}: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from error
        self.model.eval()
        self.adapters[name] = path

    def unload_adapter(self, name: str) -> None:
        if name not in self.adapters:
            raise _Refusal(404, f"The lora adapter '{name}' cannot be found.")
        self._remove(name)

    def _remove(self, name: str) -> None:
        del self.adapters[name]
        if self.adapters:
            self.model.delete_adapter(name)
        else:  # PEFT keeps no model without an adapter: back to the plain base model
            self.base = self.model.unload()
            self.model = self.base

    # -- generation ----------------------------------------------------------------------------
    def _generate_one(self, prompt: str, max_tokens: int, temperature: float, top_p: float, stop: list[str], seed: int | None) -> tuple[str, str, int, int]:
        torch = self.torch
        from transformers import StoppingCriteria, StoppingCriteriaList

        tokenizer = self.tokenizer
        encoded = tokenizer(prompt, return_tensors="pt")
        encoded = {"input_ids": encoded["input_ids"], "attention_mask": encoded["attention_mask"]}
        prompt_length = encoded["input_ids"].shape[1]

        class StopStrings(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                text = tokenizer.decode(input_ids[0, prompt_length:], skip_special_tokens=True)
                return any(s in text for s in stop)

        if seed is not None:
            torch.manual_seed(seed)
        sampling = temperature > 0
        with torch.no_grad():
            output = self.model.generate(
                **encoded,
                max_new_tokens=max_tokens,
                do_sample=sampling,
                temperature=temperature if sampling else None,
                top_p=top_p if sampling else None,
                top_k=None,
                pad_token_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id,
                eos_token_id=tokenizer.eos_token_id,
                stopping_criteria=StoppingCriteriaList([StopStrings()]) if stop else None,
            )
        new = output[0, prompt_length:]
        text = tokenizer.decode(new, skip_special_tokens=True)
        finish = "length"
        cut = min((text.find(s) for s in stop if s in text), default=-1)
        if cut >= 0:
            text, finish = text[:cut], "stop"
        elif len(new) > 0 and int(new[-1]) == tokenizer.eos_token_id:
            finish = "stop"
        return text, finish, prompt_length, len(new)

    def generate(self, model: str, prompts: list[str], body: dict) -> dict:
        max_tokens = body.get("max_tokens", 16)
        temperature = body.get("temperature", 1.0)
        top_p = body.get("top_p", 1.0)
        n = body.get("n", 1)
        seed = body.get("seed")
        stop = body.get("stop") or []
        stop = [stop] if isinstance(stop, str) else stop
        if not (isinstance(max_tokens, int) and max_tokens >= 1):
            raise _Refusal(400, "'max_tokens' must be a positive integer")
        if not (isinstance(temperature, (int, float)) and temperature >= 0):
            raise _Refusal(400, "'temperature' must be a number ≥ 0")
        if not (isinstance(top_p, (int, float)) and 0 < top_p <= 1):
            raise _Refusal(400, "'top_p' must be in (0, 1]")
        if not (isinstance(n, int) and n >= 1):
            raise _Refusal(400, "'n' must be a positive integer")
        if seed is not None and not isinstance(seed, int):
            raise _Refusal(400, "'seed' must be an integer")
        if not (isinstance(stop, list) and all(isinstance(s, str) and s for s in stop)):
            raise _Refusal(400, "'stop' must be a string or a list of non-empty strings")
        if model == self.served_name:
            context = self.model.disable_adapter() if self.model is not self.base else contextlib.nullcontext()
        elif model in self.adapters:
            self.model.set_adapter(model)
            context = contextlib.nullcontext()
        else:
            raise _Refusal(404, f"The model `{model}` does not exist.")
        choices, prompt_tokens, completion_tokens = [], 0, 0
        with context:
            for prompt in prompts:
                for copy in range(n):
                    text, finish, used, made = self._generate_one(prompt, max_tokens, float(temperature), float(top_p), stop, None if seed is None else seed + copy)
                    choices.append({"index": len(choices), "text": text, "finish_reason": finish, "logprobs": None})
                    prompt_tokens += used
                    completion_tokens += made
        return {"choices": choices, "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens}}


def make_handler(engine: Engine, log):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

        def _send(self, status: int, body, content_type: str = "application/json") -> None:
            data = (json.dumps(body) if content_type == "application/json" else body).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                # The request was served (an adapter stays loaded); only its answer is lost.
                log(f"{self.command} {self.path.split('?')[0]}: the client closed the connection before the answer")
                self.close_connection = True

        def _error(self, status: int, message: str) -> None:
            kind = {404: "NotFoundError", 400: "BadRequestError"}.get(status, "InternalServerError")
            self._send(status, {"object": "error", "message": message, "type": kind, "param": None, "code": status})

        def do_GET(self):  # noqa: N802 - http.server's name
            if self.path.split("?")[0] == "/v1/models":
                with engine.lock:
                    data = [{"id": engine.served_name, "object": "model", "owned_by": "tripost", "parent": None}]
                    data += [{"id": name, "object": "model", "owned_by": "tripost", "parent": engine.served_name, "root": path} for name, path in engine.adapters.items()]
                self._send(200, {"object": "list", "data": data})
                log(f"GET /v1/models 200")
                return
            self._send(404, {"detail": "Not Found"})

        def do_POST(self):  # noqa: N802 - http.server's name
            path = self.path.split("?")[0]
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
                if not isinstance(body, dict):
                    raise ValueError
            except ValueError:
                self._error(400, "the body is not a JSON object")
                return
            model = body.get("model") if isinstance(body.get("model"), str) else ""
            try:
                with engine.lock:
                    if path == "/v1/load_lora_adapter":
                        name, lora_path = body.get("lora_name"), body.get("lora_path")
                        if not isinstance(name, str) or not name or not isinstance(lora_path, str) or not lora_path:
                            raise _Refusal(400, "'lora_name' and 'lora_path' must be non-empty strings")
                        engine.load_adapter(name, lora_path, body.get("load_inplace") is True)
                        log(f"POST {path} {name} {lora_path} 200")
                        self._send(200, f"Success: LoRA adapter '{name}' added successfully.", "text/plain")
                        return
                    if path == "/v1/unload_lora_adapter":
                        name = body.get("lora_name")
                        engine.unload_adapter(name if isinstance(name, str) else "")
                        log(f"POST {path} {name} 200")
                        self._send(200, f"Success: LoRA adapter '{name}' removed successfully.", "text/plain")
                        return
                    if path == "/v1/completions":
                        prompt = body.get("prompt")
                        prompts = [prompt] if isinstance(prompt, str) else prompt
                        if not (isinstance(prompts, list) and prompts and all(isinstance(p, str) for p in prompts)):
                            raise _Refusal(400, "'prompt' must be a string or a non-empty list of strings")
                        result = engine.generate(model, prompts, body)
                        self._answer(path, model, "text_completion", result["choices"], result["usage"])
                        return
                    if path == "/v1/chat/completions":
                        messages = body.get("messages")
                        if not (isinstance(messages, list) and messages and all(isinstance(m, dict) and isinstance(m.get("content"), str) for m in messages)):
                            raise _Refusal(400, "'messages' must be a non-empty list of {role, content}")
                        if engine.tokenizer.chat_template is None:
                            raise _Refusal(400, "the model has no chat template: use /v1/completions")
                        prompt = engine.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
                        result = engine.generate(model, [prompt], body)
                        choices = [{"index": c["index"], "message": {"role": "assistant", "content": c["text"]}, "finish_reason": c["finish_reason"]} for c in result["choices"]]
                        self._answer(path, model, "chat.completion", choices, result["usage"])
                        return
            except _Refusal as refusal:
                log(f"POST {path} {model} {refusal.status}")
                self._error(refusal.status, str(refusal))
                return
            except Exception as error:  # noqa: BLE001 - the client gets a 500 with the reason
                log(f"POST {path} {model} 500 {type(error).__name__}: {error}")
                self._error(500, f"{type(error).__name__}: {error}")
                return
            self._send(404, {"detail": "Not Found"})

        def _answer(self, path: str, model: str, kind: str, choices: list, usage: dict) -> None:
            log(f"POST {path} {model} 200")
            self._send(200, {"id": f"cmpl-{time.time_ns()}", "object": kind, "created": int(time.time()), "model": model, "choices": choices, "usage": usage})

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tripost_trainer.serve", description="Serve a Hugging Face causal LM with OpenAI's completions API and vLLM's LoRA routes.")
    parser.add_argument("--model", required=True, help="the model directory (or name)")
    parser.add_argument("--served-model-name", help="the name requests use (default: --model)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--threads", type=int, default=1, help="torch threads for generation (default 1)")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    engine = Engine(args.model, args.served_model_name or args.model)

    def log(line: str) -> None:
        sys.stdout.write(f"{line}\n")
        sys.stdout.flush()

    server = ThreadingHTTPServer((args.host, args.port), make_handler(engine, log))
    host, port = server.server_address[:2]
    log(f"tripost_trainer.serve: listening on http://{host}:{port}/v1")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
