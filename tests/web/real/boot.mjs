// The real-page test's runtime boot: served where the page asks for pygbag 0.9.3's pythons.js, it starts
// CPython in WebAssembly (npm's Pyodide, offline) and runs tests/web/real/loader.py, which does what the
// Python in index.html does under pygbag: report each stage to the page, fetch and unpack the game's archive,
// install numpy and pygame-ce, hand platform.window to the game and run main.py unmodified.
//
// real_page.mjs puts window.CATMOUSE_BOOT in front of this file: the Pyodide folder, the loader's URL and
// the wheels, each with the sha256 it must have (../shared/wasm/SHA256SUMS).

const boot = window.CATMOUSE_BOOT;
window.boot_log = [];

function log(stream, text) {
    window.boot_log.push(`${stream}: ${text}`);
    (stream === "stderr" ? console.warn : console.log)(`[python ${stream}] ${text}`);
}

function hex(buffer) {
    return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

// The page's script (catmouse.js) defines window.catmouse; a module script may run before it.
function pageReady() {
    if (document.readyState !== "loading") return Promise.resolve();
    return new Promise((done) => document.addEventListener("DOMContentLoaded", done, { once: true }));
}

// Each wheel is fetched and its sha256 checked, then handed to Pyodide's installer by the same URL (it takes
// a wheel only by URL in 0.27.7); a wheel that does not install is an error, not a message on the console.
async function installWheels(pyodide) {
    for (const wheel of boot.wheels) {
        const response = await fetch(wheel.url);
        if (!response.ok) throw new Error(`${wheel.url}: ${response.status} ${response.statusText}`);
        const digest = hex(await crypto.subtle.digest("SHA-256", await response.arrayBuffer()));
        if (digest !== wheel.sha256) throw new Error(`${wheel.name}: sha256 ${digest}, expected ${wheel.sha256}`);
        const problems = [];
        await pyodide.loadPackage(wheel.url, { checkIntegrity: false, messageCallback: (m) => log("stdout", m),
            errorCallback: (m) => { problems.push(m); log("stderr", m); } });
        if (problems.length) throw new Error(`${wheel.name}: ${problems.join("; ")}`);
    }
}

async function start() {
    await pageReady();
    window.catmouse.loading("runtime", `Starting CPython in WebAssembly (Pyodide ${boot.version})`);
    let pyodide;
    try {
        const { loadPyodide } = await import(boot.pyodide + "pyodide.mjs");
        pyodide = await loadPyodide({ indexURL: boot.pyodide, stdout: (t) => log("stdout", t),
            stderr: (t) => log("stderr", t) });
        pyodide.canvas.setCanvas2D(document.getElementById("canvas"));
    } catch (error) {
        window.catmouse.failed("runtime", String(error && error.message || error));
        return;
    }
    window.boot_pyodide = pyodide;
    const loader = await (await fetch(boot.loader)).text();
    const scope = pyodide.globals.get("dict")();
    pyodide.runPython(loader, { globals: scope, filename: "loader.py" });
    await scope.get("boot")(() => installWheels(pyodide));
}

start();
