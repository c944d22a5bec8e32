import { defineConfig } from "@playwright/test";
import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";

// The suite runs against the release build of `leadline`, started here on
// its own port with a fresh SQLite database (or DATABASE_URL if given) and
// the test users of scripts/serve.sh. The "setup" project signs each of
// them in once and saves their cookies under .auth/.
const port = Number(process.env.E2E_PORT ?? 3100);
const root = path.resolve(__dirname, "..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "leadline-e2e-"));
const bin = process.env.LEADLINE_BIN ?? path.join(root, "target/release/leadline");
export const E2E_PASSWORD = "e2e-password-not-for-production";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    {
      name: "chromium",
      dependencies: ["setup"],
      use: { storageState: ".auth/e2e-admin.json" },
    },
  ],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: "sh end2end/scripts/serve.sh",
    cwd: root,
    url: `http://127.0.0.1:${port}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      LEADLINE_DATA_DIR: dataDir,
      LEADLINE_BIN: bin,
      E2E_ADDR: `127.0.0.1:${port}`,
      E2E_PASSWORD,
      ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
      RUST_LOG: "warn",
    },
  },
});
