import { ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
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
  // Refuse before spawning: an old node on the port would answer the readiness check for a child that is about to
  // die of EADDRINUSE.
  await assertPortFree(port);
  const bin = path.join(ROOT, "node_modules", ".bin", "hardhat");
  const preload = path.join(__dirname, "exit-with-parent.js");
  const child = spawn(bin, ["node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    env: {
      ...process.env,
      TRELLIS_CHAIN_INITIAL_DATE: initialDate,
      TRELLIS_EXIT_WITH_PARENT: "1",
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(preload)}`.trim(),
    },
    // stdin is a pipe the node watches (exit-with-parent.js): it dies with this process.
    stdio: ["pipe", logFile ? "pipe" : "ignore", "pipe"],
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

/** Resolves if nothing listens on 127.0.0.1:`port`; otherwise fails with a sentence naming the holder if it can. */
export async function assertPortFree(port: number): Promise<void> {
  const tryListen = () =>
    new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
  // A node just killed (a reaped leftover) may hold its socket for a moment after its pid is gone; a port that no
  // listening process owns is given up to 3 s to come free before it counts as taken.
  let holder = portHolder(port);
  for (let i = 0; ; i++) {
    if (await tryListen()) return;
    holder = portHolder(port);
    if (holder || i >= 30) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `the chain port ${port} is already in use${holder ? ` by process ${holder.pid} (${holder.command})` : ""}, which is not this data directory's chain; ` +
      `stop it${holder ? ` (kill ${holder.pid})` : ""} or start with another --chain-port`,
  );
}

/** Which process listens on a TCP port, from /proc (Linux); undefined where that cannot be told. */
export function portHolder(port: number): { pid: number; command: string } | undefined {
  try {
    const inodes = new Set<string>();
    for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      if (!fs.existsSync(f)) continue;
      for (const line of fs.readFileSync(f, "utf8").split("\n").slice(1)) {
        const cols = line.trim().split(/\s+/);
        // local_address is HEX_IP:HEX_PORT; state 0A is LISTEN; column 9 is the socket's inode.
        if (cols.length > 9 && cols[3] === "0A" && parseInt(cols[1].split(":")[1], 16) === port) inodes.add(cols[9]);
      }
    }
    if (inodes.size === 0) return undefined;
    for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      let fds: string[];
      try {
        fds = fs.readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (m && inodes.has(m[1])) return { pid: Number(pid), command: commandOf(Number(pid)) ?? "unknown" };
        } catch {
          // the descriptor closed meanwhile
        }
      }
    }
  } catch {
    // no /proc: not Linux
  }
  return undefined;
}

/** A process's command line, or undefined if it is gone (or a zombie, which holds nothing). */
function commandOf(pid: number): string | undefined {
  try {
    if (fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z")) return undefined;
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // Where /proc exists, a zombie counts as gone.
  return fs.existsSync("/proc") ? commandOf(pid) !== undefined : true;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pid file of a data directory's managed chain. */
export const chainPidFile = (dataDir: string) => path.join(dataDir, "chain.pid");

/**
 * A data directory's own local Hardhat node: started, restarted and stopped by the gateway, recorded in
 * `<dataDir>/chain.pid` so that the next start can reap a node an earlier gateway left behind (kill -9 of the
 * gateway). The node keeps no state: the journal rebuilds it after every start.
 */
export class ManagedChain {
  node: LocalNode | undefined;
  private exitListener: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined;

  constructor(
    readonly opts: { dataDir: string; port: number; genesisDate: string; log?: (msg: string, fields?: object) => void },
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.opts.port}`;
  }

  /** True while the node process runs (it may still be frozen: the supervisor's probe tells). */
  alive(): boolean {
    const p = this.node?.process;
    return !!p && p.exitCode === null && p.signalCode === null;
  }

  /** Called when the node process exits without `stop()`. */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.exitListener = listener;
  }

  /** Reaps a node an earlier run left behind, then starts a fresh one and records its pid. */
  async start(): Promise<LocalNode> {
    await this.reap();
    const node = await startHardhatNode(this.opts.port, this.opts.genesisDate);
    this.node = node;
    fs.writeFileSync(chainPidFile(this.opts.dataDir), JSON.stringify({ pid: node.process.pid, port: this.opts.port }) + "\n");
    node.process.once("exit", (code, signal) => {
      if (this.node === node) this.exitListener?.(code, signal);
    });
    return node;
  }

  /** Kills the node (SIGKILL: it may be frozen, and its state is rebuilt from the journal anyway) and starts anew. */
  async restart(): Promise<LocalNode> {
    const old = this.node;
    this.node = undefined;
    if (old && old.process.exitCode === null && old.process.signalCode === null) {
      const gone = new Promise((r) => old.process.once("exit", r));
      old.process.kill("SIGKILL");
      await gone;
    }
    return this.start();
  }

  async stop(): Promise<void> {
    const node = this.node;
    this.node = undefined;
    await node?.stop();
    fs.rmSync(chainPidFile(this.opts.dataDir), { force: true });
  }

  /**
   * If the pid file names a live Hardhat node, it is this data directory's, left by a gateway that died without
   * stopping it: kill it and wait until it is gone. A pid now used by something else is left alone.
   */
  private async reap(): Promise<void> {
    const file = chainPidFile(this.opts.dataDir);
    if (!fs.existsSync(file)) return;
    let recorded: { pid: number; port: number } | undefined;
    try {
      recorded = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      recorded = undefined;
    }
    const pid = recorded?.pid;
    if (pid && alive(pid)) {
      const command = commandOf(pid) ?? "";
      // Ours only if it is a Hardhat node on the port we recorded (a reused pid is someone else's process).
      if (/hardhat/.test(command) && /\bnode\b/.test(command) && command.includes(`--port ${recorded!.port}`)) {
        this.opts.log?.("stopping the chain an earlier run left behind", { pid, port: recorded!.port });
        process.kill(pid, "SIGKILL");
        for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
        if (alive(pid)) throw new Error(`the chain an earlier run left behind (process ${pid}) did not stop; kill it and start again`);
      }
    }
    fs.rmSync(file, { force: true });
  }
}
