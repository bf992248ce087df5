// bench/bench_hud.py under CPython in WebAssembly (Pyodide 0.29.0, its numpy 2.2.5 and pygame-ce, from
// ../shared/wasm as the real-page test has them) in headless Chromium: the frame before and after, side by side.
//
//   node bench/bench_hud_wasm.mjs BEFORE_DIR [bench_hud.py args]      (from the repo; tests/web's npm ci done)
//
// BEFORE_DIR holds the older commit's game/ (git archive <commit> game | tar -x -C BEFORE_DIR). The game's files,
// the brains, the older game/ and the script are written into Pyodide's file system; nothing leaves 127.0.0.1.
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const WEB = join(REPO, "tests", "web");
const { chromium } = createRequire(join(WEB, "package.json"))("playwright-core");
const PYODIDE = join(WEB, "node_modules", "pyodide-0.29.0");
const WASM = process.env.CATMOUSE_WASM_DIR || resolve(REPO, "..", "shared", "wasm");
const WHEELS = ["numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl",
    "pygame_ce-2.5.6.dev2-cp313-cp313-pyodide_2025_0_wasm32.whl"];
const [before, ...args] = process.argv.slice(2);
if (!before) throw new Error("usage: node bench/bench_hud_wasm.mjs BEFORE_DIR [bench_hud.py args]");

// every file the bench reads, as [path in Pyodide, base64]
const files = [["/app/bench_hud.py", join(REPO, "bench", "bench_hud.py")]];
for (const name of readdirSync(join(REPO, "game")).filter((n) => n.endsWith(".py"))) {
    files.push([`/app/game/${name}`, join(REPO, "game", name)]);
}
for (const name of readdirSync(join(REPO, "weights")).filter((n) => n.endsWith(".npz"))) {
    files.push([`/app/weights/${name}`, join(REPO, "weights", name)]);
}
for (const name of readdirSync(join(before, "game")).filter((n) => n.endsWith(".py"))) {
    files.push([`/before/game/${name}`, join(before, "game", name)]);
}
const payload = files.map(([to, from]) => [to, readFileSync(from).toString("base64")]);

const page = `<!doctype html><canvas id="canvas" width="64" height="64"></canvas><script type="module">
const { loadPyodide } = await import("/pyodide/pyodide.mjs");
const out = [];
const py = await loadPyodide({ indexURL: "/pyodide/", stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
py.canvas.setCanvas2D(document.getElementById("canvas"));
for (const wheel of ${JSON.stringify(WHEELS)}) await py.loadPackage("/wheels/" + wheel, { checkIntegrity: false });
const files = await (await fetch("/files.json")).json();
for (const [path, b64] of files) {
    py.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
    py.FS.writeFile(path, Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
}
py.globals.set("ARGS", ${JSON.stringify(["bench_hud.py", "--before", "/before", ...args])});
try {
    await py.runPythonAsync(\`
import os, runpy, sys
os.chdir("/app")
sys.argv = list(ARGS)
runpy.run_path("/app/bench_hud.py", run_name="__main__")
\`);
} catch (error) { out.push(String(error)); }
window.bench_done = out.join("\\n");
</script>`;

const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    let body;
    if (path === "/") body = page;
    else if (path === "/files.json") body = JSON.stringify(payload);
    else if (path.startsWith("/pyodide/")) body = readFileSync(join(PYODIDE, path.slice(9)));
    else if (path.startsWith("/wheels/")) body = readFileSync(join(WASM, path.slice(8)));
    else { response.writeHead(404).end(); return; }
    const type = path === "/" ? "text/html" : path.endsWith(".mjs") || path.endsWith(".js") ? "text/javascript"
        : path.endsWith(".wasm") ? "application/wasm" : "application/octet-stream";
    response.writeHead(200, { "content-type": type }).end(body);
});
await new Promise((done) => server.listen(0, "127.0.0.1", done));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu"] });
try {
    const tab = await browser.newPage();
    await tab.route("**/*", (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
    await tab.goto(origin + "/");
    await tab.waitForFunction(() => window.bench_done !== undefined, null, { timeout: 900000, polling: 500 });
    console.log(await tab.evaluate(() => window.bench_done));
} finally {
    await browser.close();
    server.close();
}
