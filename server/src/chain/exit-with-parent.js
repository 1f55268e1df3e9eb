// Preloaded into the local chain's process (NODE_OPTIONS=--require). The gateway spawns the chain with a pipe on its
// stdin and never writes to it; when the gateway dies, even by kill -9, the pipe's far end closes, stdin ends, and
// the chain exits instead of living on as an orphan that keeps the chain port.
"use strict";
if (process.env.TRELLIS_EXIT_WITH_PARENT === "1" && !process.stdin.isTTY) {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  process.stdin.resume();
  // Only the chain process itself watches; processes it may start do not inherit the duty.
  delete process.env.TRELLIS_EXIT_WITH_PARENT;
}
