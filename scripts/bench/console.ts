/**
 * `npm run bench:console`: what the console costs a first visitor. Builds the console, starts the platform, fetches
 * the sign-in page and every script it loads through the gateway with `accept-encoding: gzip, br` (the bytes on the
 * wire, summed), checks the caching headers, then times a real Chromium from navigation to the first usable screen
 * (the sign-in form ready for input) and, signed in, to a role's home screen showing its data.
 * Writes bench/results/console.json.
 */
import { execSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import zlib from "node:zlib";
import path from "node:path";
import { chromium } from "playwright-core";
import { startPlatform } from "../lib/platform";
import { printTable, ROOT, round, runMain, verdict } from "./lib";

const BUDGET_BYTES = 250 * 1024;

/** One GET as a browser sends it; `bytes` counts the body as it travelled (still compressed). */
function wire(url: string): Promise<{ bytes: number; encoding: string; cache: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { "accept-encoding": "gzip, br" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const encoding = String(res.headers["content-encoding"] ?? "identity");
          const body = encoding === "gzip" ? zlib.gunzipSync(raw) : encoding === "br" ? zlib.brotliDecompressSync(raw) : encoding === "deflate" ? zlib.inflateSync(raw) : raw;
          resolve({ bytes: raw.length, encoding, cache: String(res.headers["cache-control"] ?? ""), body: body.toString("utf8") });
        });
      })
      .on("error", reject);
  });
}

async function main() {
  execSync("npm run build:web", { cwd: ROOT, stdio: "ignore" });
  const p = await startPlatform({ chain: "hardhat" });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const page = await wire(`${p.baseUrl}/`);
    // The entry script and the chunks the page preloads: what the sign-in page needs before it can be used.
    const scripts = [...page.body.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g)].map((m) => m[1]);
    const assets = await Promise.all(scripts.map((s) => wire(`${p.baseUrl}${s}`)));
    const jsBytes = assets.reduce((sum, a) => sum + a.bytes, 0);
    const favicon = await fetch(`${p.baseUrl}/favicon.svg`);

    const timings: number[] = [];
    let homeMs = 0;
    for (let i = 0; i < 3; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const tab = await context.newPage();
      const t0 = performance.now();
      await tab.goto(`${p.baseUrl}/`);
      await tab.getByTestId("login-submit").waitFor();
      timings.push(performance.now() - t0);
      if (i === 0) {
        await tab.getByTestId("login-username").fill(p.credentials.users.officer1.username);
        await tab.getByTestId("login-password").fill(p.credentials.users.officer1.password);
        const t1 = performance.now();
        await tab.getByTestId("login-submit").click();
        await tab.getByTestId("financing-queue").waitFor();
        homeMs = performance.now() - t1;
      }
      await context.close();
    }
    const firstUsable = Math.min(...timings);
    const result = {
      measuredAt: new Date().toISOString(),
      command: "npm run bench:console",
      signInScripts: scripts,
      signInJsBytesCompressed: jsBytes,
      encodings: [...new Set(assets.map((a) => a.encoding))],
      assetCacheControl: assets[0]?.cache ?? "",
      pageCacheControl: page.cache,
      faviconType: favicon.headers.get("content-type"),
      firstUsableMs: { best: round(firstUsable, 0), runs: timings.map((t) => round(t, 0)) },
      signInToOfficerQueueMs: round(homeMs, 0),
    };
    fs.mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "bench", "results", "console.json"), JSON.stringify(result, null, 2) + "\n");
    printTable("console first load (through the gateway)", [
      ["measure", "value", "target", ""],
      ["sign-in page JS, compressed (bytes)", jsBytes, `<= ${BUDGET_BYTES}`, verdict(jsBytes <= BUDGET_BYTES)],
      ["content-encoding", result.encodings.join(","), "gzip or br", verdict(result.encodings.every((e) => e === "gzip" || e === "br"))],
      ["hashed asset Cache-Control", result.assetCacheControl, "immutable, 1 year", verdict(/max-age=31536000/.test(result.assetCacheControl) && /immutable/.test(result.assetCacheControl))],
      ["index.html Cache-Control", page.cache, "no-cache", verdict(page.cache === "no-cache")],
      ["favicon", result.faviconType ?? "", "image/svg+xml", verdict(/svg/.test(result.faviconType ?? ""))],
      ["navigation to usable sign-in (ms, best of 3)", round(firstUsable, 0), "", ""],
      ["sign-in to the officer's queue (ms)", round(homeMs, 0), "", ""],
    ]);
  } finally {
    await browser.close();
    await p.stop();
  }
}

runMain("bench:console", main);
