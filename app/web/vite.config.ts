/**
 * Vite config of the wallet frontend.
 *
 * - `@restaking/client` is the project's TypeScript client, compiled from its sources
 *   (`../client-ts/src`): no build step and no second install there; its imports of
 *   `@solana/kit` and `@solana-program/compute-budget` resolve to this app's copies (`dedupe`),
 *   so one kit ends up in the bundle.
 * - `/addresses.json` is the localnet's addresses file (`restaking-cli localnet` writes it to
 *   `target/localnet/addresses.json`; `VITE_ADDRESSES=<path>` picks another). The dev and
 *   preview servers serve it fresh on every request; `npm run build` copies it into `dist/`
 *   when it exists. The app reads the RPC URL, the program id and names for addresses from it,
 *   and works without it (RPC URL from the settings, everything discovered on chain).
 * - Servers bind 127.0.0.1 only.
 */
import react from "@vitejs/plugin-react";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");
const clientSrc = path.resolve(here, "../client-ts/src");

function addressesFile(): string {
  const given = process.env.VITE_ADDRESSES;
  return given ? path.resolve(process.cwd(), given) : path.join(repoRoot, "target", "localnet", "addresses.json");
}

/** Serves (dev, preview) and copies (build) the localnet's addresses file as `/addresses.json`. */
function localnetAddresses(): Plugin {
  const serve = (req: { url?: string }, res: import("node:http").ServerResponse, next: () => void) => {
    if (!req.url || req.url.split("?")[0] !== "/addresses.json") return next();
    const file = addressesFile();
    if (!fs.existsSync(file)) {
      res.statusCode = 404;
      res.setHeader("Content-Type", "text/plain");
      res.end(`no localnet addresses file at ${file} (start one with: cargo run -p restaking-cli -- localnet)`);
      return;
    }
    res.setHeader("Content-Type", "application/json");
    res.setHeader("Cache-Control", "no-store");
    res.end(fs.readFileSync(file));
  };
  return {
    name: "restaking-localnet-addresses",
    configureServer(server) {
      server.middlewares.use(serve);
    },
    configurePreviewServer(server) {
      server.middlewares.use(serve);
    },
    generateBundle() {
      const file = addressesFile();
      if (fs.existsSync(file)) this.emitFile({ type: "asset", fileName: "addresses.json", source: fs.readFileSync(file, "utf8") });
    },
  };
}

export default defineConfig({
  base: "./",
  plugins: [react(), localnetAddresses()],
  resolve: {
    alias: { "@restaking/client": path.join(clientSrc, "index.ts") },
    dedupe: ["@solana/kit", "@solana-program/compute-budget"],
  },
  server: { host: "127.0.0.1", port: 5173, strictPort: false, fs: { allow: [here, clientSrc] } },
  preview: { host: "127.0.0.1", port: 4173 },
  build: { target: "es2022", sourcemap: false, chunkSizeWarningLimit: 1200 },
});
