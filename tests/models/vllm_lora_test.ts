import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunError } from "../../src/errors.js";
import { loadLoraAdapter, serverMessage, unloadLoraAdapter } from "../../src/models/vllm_lora.js";
import { rootDirectory } from "../_helpers/child_run.js";
import { startVllmLoraServer, type VllmLoraServer } from "../_helpers/vllm_lora_server.js";

const checkpoint = join(rootDirectory, "fixtures/student/m0-msa");
let scratch: string;
const servers: VllmLoraServer[] = [];

function adapter(name: string): string {
  const directory = join(scratch, name);
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, "adapter_config.json"), "{\"peft_type\":\"LORA\"}\n");
  return directory;
}

async function server(options: { legacy?: boolean; loraRoutes?: boolean; apiKey?: string } = {}): Promise<VllmLoraServer> {
  const started = await startVllmLoraServer({ checkpoint, ...options });
  servers.push(started);
  return started;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "tripost-vllm-lora-"));
});

afterAll(async () => {
  for (const started of servers) await started.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("loadLoraAdapter()", () => {
  it("loadLoraAdapter() loads under one name and replaces it in place", async () => {
    const vllm = await server();
    const first = await loadLoraAdapter(vllm.url, "student", adapter("r1"));
    expect(first.text).toBe("Success: LoRA adapter 'student' added successfully.");
    await loadLoraAdapter(`${vllm.url}/`, "student", adapter("r2"));
    expect(vllm.adapters).toEqual(new Map([["student", join(scratch, "r2")]]));
    expect(vllm.events.map((event) => [event.type, event.status, event.type === "completion" ? undefined : event.body["load_inplace"]])).toEqual([
      ["load", 200, true],
      ["load", 200, true],
    ]);
  });

  it("loadLoraAdapter() unloads and loads again on a server that refuses in-place loading", async () => {
    const vllm = await server({ legacy: true });
    await loadLoraAdapter(vllm.url, "student", adapter("r1"));
    await loadLoraAdapter(vllm.url, "student", adapter("r2"));
    expect(vllm.events.map((event) => `${event.type} ${event.status}`)).toEqual(["load 200", "load 400", "unload 200", "load 200"]);
    expect(vllm.adapters.get("student")).toBe(join(scratch, "r2"));
  });

  it("loadLoraAdapter() without in-place loading fails with the server's message for an existing name", async () => {
    const vllm = await server();
    await loadLoraAdapter(vllm.url, "student", adapter("r1"), { inplace: false });
    await expect(loadLoraAdapter(vllm.url, "student", adapter("r2"), { inplace: false })).rejects.toThrow(
      /Cannot load the LoRA adapter 'student' from '.*r2' as .*load_lora_adapter answered 400: The lora adapter 'student' has already been loaded/,
    );
  });

  it("loadLoraAdapter() explains a 404 by VLLM_ALLOW_RUNTIME_LORA_UPDATING", async () => {
    const vllm = await server({ loraRoutes: false });
    const failure = loadLoraAdapter(vllm.url, "student", adapter("r1"));
    await expect(failure).rejects.toBeInstanceOf(RunError);
    await expect(failure).rejects.toThrow(/answered 404: Not Found \(is vLLM started with VLLM_ALLOW_RUNTIME_LORA_UPDATING=True and --enable-lora\?\)/);
  });

  it("loadLoraAdapter() sends the API key and never shows it", async () => {
    const key = "local-key-123456";
    const vllm = await server({ apiKey: key });
    await loadLoraAdapter(vllm.url, "student", adapter("r1"), { apiKey: key });
    expect(vllm.adapters.has("student")).toBe(true);
    const wrong = "wrong-key-987654";
    const failure = await loadLoraAdapter(vllm.url, "student", adapter("r1"), { apiKey: wrong }).then(
      () => new Error("expected a failure"),
      (error: unknown) => error as Error,
    );
    expect(failure.message).toMatch(/answered 401: Unauthorized \(check the student's 'apiKeyEnv'\)/);
    expect(failure.message).not.toContain(wrong);
  });

  it("loadLoraAdapter() fails with a RunError when nothing listens", async () => {
    const vllm = await server();
    const url = vllm.url;
    await vllm.close();
    servers.splice(servers.indexOf(vllm), 1);
    await expect(loadLoraAdapter(url, "student", adapter("r1"), { timeoutMs: 2000 })).rejects.toThrow(/Cannot load the LoRA adapter 'student' .* did not answer/);
  });

  it("unloadLoraAdapter() removes an adapter and fails for an unknown one", async () => {
    const vllm = await server();
    await loadLoraAdapter(vllm.url, "student", adapter("r1"));
    await unloadLoraAdapter(vllm.url, "student");
    expect(vllm.adapters.size).toBe(0);
    await expect(unloadLoraAdapter(vllm.url, "student")).rejects.toThrow(/answered 404: The lora adapter 'student' cannot be found/);
  });
});

describe("serverMessage()", () => {
  it("serverMessage() reads vLLM's flat and wrapped error bodies, FastAPI's detail, and plain text", () => {
    expect(serverMessage(JSON.stringify({ object: "error", message: "flat", type: "BadRequestError", param: null, code: 400 }))).toBe("flat");
    expect(serverMessage(JSON.stringify({ error: { message: "wrapped", type: "BadRequestError", param: null, code: 400 } }))).toBe("wrapped");
    expect(serverMessage(JSON.stringify({ detail: "Not Found" }))).toBe("Not Found");
    expect(serverMessage("  plain text \n")).toBe("plain text");
    expect(serverMessage("x".repeat(400))).toHaveLength(300);
  });
});
