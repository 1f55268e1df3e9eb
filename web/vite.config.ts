import path from "node:path";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The console is served by the gateway from web/dist at "/", and talks only to the same origin (/api/v1).
// During development `npm run dev:web` proxies /api to a running gateway (TRELLIS_API, default port 3000).
const webRoot = path.resolve(__dirname);

export default defineConfig({
  root: webRoot,
  base: "/",
  plugins: [react()],
  build: {
    outDir: path.join(webRoot, "dist"),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      "/api": { target: process.env.TRELLIS_API ?? "http://127.0.0.1:3000", changeOrigin: true },
    },
  },
});
