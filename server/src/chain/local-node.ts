import { ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export interface LocalNode {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, "..", "..", "..");

/** Waits until a JSON-RPC endpoint answers eth_chainId. */
export async function waitForRpc(url: string, timeoutMs = 60_000, child?: ChildProcess): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`the chain process exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`no JSON-RPC answer at ${url} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function track(child: ChildProcess, url: string): LocalNode {
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}

/**
 * Starts a Hardhat node process on 127.0.0.1:`port`. `initialDate` pins the genesis timestamp, which a replay of the
 * journal needs (the rebuilt blocks must be later than genesis).
 */
export async function startHardhatNode(port: number, initialDate: string, logFile?: string): Promise<LocalNode> {
  const bin = path.join(ROOT, "node_modules", ".bin", "hardhat");
  const child = spawn(bin, ["node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    env: { ...process.env, TRELLIS_CHAIN_INITIAL_DATE: initialDate },
    stdio: ["ignore", logFile ? "pipe" : "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForRpc(url, 90_000, child);
  } catch (err) {
    child.kill("SIGKILL");
    throw new Error(`${(err as Error).message}${stderr ? `\n${stderr}` : ""}`);
  }
  return track(child, url);
}

/**
 * Starts an Anvil node (Foundry's independent EVM implementation) from the @foundry-rs/anvil npm package;
 * `extraArgs` are passed on (e.g. a block gas limit).
 */
export async function startAnvil(port: number, extraArgs: string[] = []): Promise<LocalNode> {
  const bin = path.join(ROOT, "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
  const child = spawn(bin, ["--port", String(port), "--host", "127.0.0.1", "--silent", ...extraArgs], { cwd: ROOT, stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  await waitForRpc(url, 30_000, child);
  return track(child, url);
}
