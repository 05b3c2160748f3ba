"""The small server: completions from the real model, vLLM's LoRA routes loading real adapters."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
import torch
from conftest import python_env

from tripost_trainer.cli import main


def post(url: str, body: dict) -> tuple[int, str]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def adapters(tmp_path_factory, model_dir, data_file):
    directory = tmp_path_factory.mktemp("adapters")
    first, second = directory / "iteration-1", directory / "iteration-2"
    common = ["--data", str(data_file), "--batch-size", "3", "--seed", "5"]
    assert main([*common, "--base", "tiny", "--model", str(model_dir), "--out", str(first), "--lora-r", "4", "--epochs", "2", "--lr", "1e-2"]) == 0
    assert main([*common, "--base", str(first), "--out", str(second), "--epochs", "6", "--lr", "3e-2"]) == 0
    return first, second


@pytest.fixture(scope="module")
def server(model_dir):
    process = subprocess.Popen(
        [sys.executable, "-m", "tripost_trainer.serve", "--model", str(model_dir), "--served-model-name", "tiny", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=python_env(),
    )
    line = process.stdout.readline()
    assert line.startswith("tripost_trainer.serve: listening on http://127.0.0.1:"), line + process.stderr.read()
    url = line.split()[-1]
    yield url, process
    process.terminate()
    process.wait(timeout=30)


def greedy(model, tokenizer, prompt: str, tokens: int) -> str:
    encoded = tokenizer(prompt, return_tensors="pt")
    with torch.no_grad():
        output = model.generate(input_ids=encoded["input_ids"], attention_mask=encoded["attention_mask"], max_new_tokens=tokens, do_sample=False, pad_token_id=tokenizer.pad_token_id)
    return tokenizer.decode(output[0, encoded["input_ids"].shape[1] :], skip_special_tokens=True)


def complete(url: str, model: str, **fields) -> dict:
    status, text = post(f"{url}/completions", {"model": model, "prompt": "((4-7)*(-5--9))=\n", "max_tokens": 12, "temperature": 0, **fields})
    assert status == 200, text
    return json.loads(text)


def test_the_server_answers_with_the_base_model_and_with_each_loaded_adapter(server, model_dir, adapters):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    url, _ = server
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    prompt = "((4-7)*(-5--9))=\n"
    expected = {}
    for name, path in (("base", None), ("first", adapters[0]), ("second", adapters[1])):
        model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
        if path is not None:
            model = PeftModel.from_pretrained(model, str(path)).eval()
        expected[name] = greedy(model, tokenizer, prompt, 12)
    assert len(set(expected.values())) == 3  # each adapter changes what the model writes

    base = complete(url, "tiny")
    assert base["choices"][0]["text"] == expected["base"]
    assert base["model"] == "tiny"
    assert base["usage"]["prompt_tokens"] == len(prompt) + 1

    status, text = post(f"{url}/load_lora_adapter", {"lora_name": "student", "lora_path": str(adapters[0]), "load_inplace": True})
    assert (status, text) == (200, "Success: LoRA adapter 'student' added successfully.")
    assert complete(url, "student")["choices"][0]["text"] == expected["first"]
    assert complete(url, "tiny")["choices"][0]["text"] == expected["base"]

    # In place: the same name now answers with the second adapter.
    status, _ = post(f"{url}/load_lora_adapter", {"lora_name": "student", "lora_path": str(adapters[1]), "load_inplace": True})
    assert status == 200
    assert complete(url, "student")["choices"][0]["text"] == expected["second"]

    with urllib.request.urlopen(f"{url}/models", timeout=30) as response:
        listed = json.loads(response.read())
    assert [(entry["id"], entry["parent"]) for entry in listed["data"]] == [("tiny", None), ("student", "tiny")]

    status, _ = post(f"{url}/unload_lora_adapter", {"lora_name": "student"})
    assert status == 200
    assert complete(url, "tiny")["choices"][0]["text"] == expected["base"]


def test_the_server_refuses_as_vllm_does(server, adapters):
    url, _ = server
    assert post(f"{url}/load_lora_adapter", {"lora_name": "a", "lora_path": str(adapters[0])})[0] == 200
    status, text = post(f"{url}/load_lora_adapter", {"lora_name": "a", "lora_path": str(adapters[1])})
    assert status == 400
    assert json.loads(text)["message"] == "The lora adapter 'a' has already been loaded. If you want to load the adapter in place, set 'load_inplace' to True."
    status, text = post(f"{url}/load_lora_adapter", {"lora_name": "b", "lora_path": "/nowhere/1", "load_inplace": True})
    assert (status, json.loads(text)["message"]) == (400, "No adapter found for /nowhere/1")
    status, text = post(f"{url}/completions", {"model": "nobody", "prompt": "x"})
    assert (status, json.loads(text)) == (404, {"object": "error", "message": "The model `nobody` does not exist.", "type": "NotFoundError", "param": None, "code": 404})
    status, text = post(f"{url}/unload_lora_adapter", {"lora_name": "b"})
    assert status == 404
    assert post(f"{url}/completions", {"model": "tiny", "prompt": "x", "max_tokens": 0})[0] == 400
    status, text = post(f"{url}/chat/completions", {"model": "tiny", "messages": [{"role": "user", "content": "x"}]})
    assert (status, json.loads(text)["message"]) == (400, "the model has no chat template: use /v1/completions")
    assert post(f"{url}/unload_lora_adapter", {"lora_name": "a"})[0] == 200


def test_the_server_samples_by_seed_and_cuts_at_stop_strings(server):
    url, _ = server
    one = complete(url, "tiny", temperature=1.0, seed=11, n=2, max_tokens=10)
    two = complete(url, "tiny", temperature=1.0, seed=11, n=2, max_tokens=10)
    assert [choice["text"] for choice in one["choices"]] == [choice["text"] for choice in two["choices"]]
    assert [choice["index"] for choice in one["choices"]] == [0, 1]
    free = complete(url, "tiny", max_tokens=12)["choices"][0]
    stop = free["text"][3:5]
    cut = complete(url, "tiny", max_tokens=12, stop=[stop])["choices"][0]
    assert cut["text"] == free["text"][: free["text"].index(stop)]
    assert cut["finish_reason"] == "stop"
    assert free["finish_reason"] in ("length", "stop")

