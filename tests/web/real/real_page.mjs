// The real page, the real game: the site build.sh made, served as it is from 127.0.0.1, in headless Chromium,
// with main.py's unmodified loop running in CPython compiled to WebAssembly (npm's Pyodide, offline). Only
// pygbag's runtime is swapped: the page's request for 0.9.3's pythons.js is answered with boot.mjs, which
// starts Pyodide and runs loader.py (the stages, the archive, the wheels from ../shared/wasm after a sha256
// check, platform.window, main.py). Every other request off 127.0.0.1 is aborted. Driven as a player would:
// the page's own controls and taps on the canvas; the game's state is read from the status it sends the page.
//
//   node real_page.mjs SITE --pyodide DIR --version 0.27.7 --wheel FILE:SHA256 ... --weights DIR
//        --brains a.npz,b.npz --cats you,perfect,... --pass full|keys
//        [--report FILE.json] [--shots DIR] [--skip starting,download,reload,blocked,debug]
//
// --pass full: everything the pygbag wheel can do in Pyodide 0.27.7 (its keyboard hook does not load there);
// --pass keys: the arrow keys, the diagonals and the on-screen pad (Pyodide 0.29.0's own pygame-ce).
// Where the board is comes from the game itself: the layout it reports in its status (game/ui/view.py's report).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const HERE = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const RUNTIME_URL = "https://pygame-web.github.io/cdn/0.9.3/pythons.js";
const START_MS = 180000; // a first start on a busy machine: Pyodide, two wheels, the game's first frame
const WAIT_MS = 30000;

function options(argv) {
    const result = { wheels: [], pass: "full", shots: null, report: null, skip: new Set() };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const next = () => argv[++i];
        if (arg === "--pyodide") result.pyodide = resolve(next());
        else if (arg === "--version") result.version = next();
        else if (arg === "--wheel") {
            const [file, sha256] = next().split(":");
            result.wheels.push({ file: resolve(file), name: basename(file), sha256 });
        } else if (arg === "--weights") result.weights = resolve(next());
        else if (arg === "--brains") result.brains = next().split(",");
        else if (arg === "--cats") result.cats = next().split(",");
        else if (arg === "--pass") result.pass = next();
        else if (arg === "--report") result.report = resolve(next());
        else if (arg === "--shots") result.shots = resolve(next());
        else if (arg === "--skip") result.skip = new Set(next().split(","));
        else result.site = resolve(arg);
    }
    for (const key of ["site", "pyodide", "version", "weights", "brains", "cats"]) {
        if (!result[key]) throw new Error(`real_page.mjs: --${key} is missing`);
    }
    return result;
}

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
    ".css": "text/css", ".png": "image/png", ".json": "application/json", ".wasm": "application/wasm",
    ".py": "text/plain", ".zip": "application/zip" };

// The site as build.sh wrote it, Pyodide's files, the wheels and the loader, each under its own prefix.
// Wheel requests wait at a gate the test opens, so it can look at the page while the game cannot be up yet.
function serve(opts, tally) {
    const roots = { "/__pyodide/": opts.pyodide, "/__boot/": HERE, "/": opts.site };
    const wheels = new Map(opts.wheels.map((w) => [`/__wheels/${w.name}`, w.file]));
    const gate = { open: true, waiting: [] };
    const server = createServer((request, response) => {
        const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
        const send = (file, kind) => {
            const body = readFileSync(file);
            if (!tally.files.has(path)) tally[kind] += body.length; // a player's browser fetches each file once
            tally.files.set(path, body.length);
            response.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream",
                "cache-control": "no-store" });
            response.end(body);
        };
        if (wheels.has(path)) {
            const go = () => send(wheels.get(path), "wheels");
            if (gate.open) go(); else gate.waiting.push(go);
            return;
        }
        const prefix = Object.keys(roots).find((p) => path.startsWith(p));
        const root = roots[prefix];
        const rest = path.slice(prefix.length) || "index.html";
        const file = resolve(root, "." + sep + (rest.endsWith("/") ? rest + "index.html" : rest));
        if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
            response.writeHead(404).end("not found");
            return;
        }
        send(file, prefix === "/" ? "site" : prefix === "/__pyodide/" ? "runtime" : "boot");
    });
    server.gate = gate;
    return new Promise((done) => server.listen(0, "127.0.0.1", () => done(server)));
}

let step = 0;
const results = {};
function check(name) {
    step += 1;
    console.log(`ok ${step} - ${name}`);
}

async function waitFor(page, predicate, arg, what, timeout = WAIT_MS) {
    try {
        await page.waitForFunction(predicate, arg, { timeout, polling: 100 });
    } catch (error) {
        const log = await page.evaluate(() => (window.boot_log || []).slice(-15).join("\n")).catch(() => "");
        throw new Error(`timed out waiting for ${what}\n${log}`);
    }
}

const status = (page) => page.evaluate(() => JSON.parse(JSON.stringify(window.catmouse.status)));
const stored = (page) => page.evaluate(() => JSON.parse(localStorage.getItem("catmouse.brain") || "null"));
const updatesIn = (line) => Number(((line || "").match(/([\d,]+) updates/) || [0, "0"])[1].replace(/,/g, ""));

// The share of the canvas's pixels that are not the page's black: a drawn frame is mostly lit.
function litShare(page) {
    return page.evaluate(() => {
        const canvas = document.getElementById("canvas");
        const copy = document.createElement("canvas");
        copy.width = canvas.width;
        copy.height = canvas.height;
        const context = copy.getContext("2d");
        context.drawImage(canvas, 0, 0);
        const pixels = context.getImageData(0, 0, copy.width, copy.height).data;
        let lit = 0;
        for (let i = 0; i < pixels.length; i += 4) if (pixels[i] + pixels[i + 1] + pixels[i + 2] > 24) lit += 1;
        return lit / (pixels.length / 4);
    });
}

// Frames per second the game draws, from the frame count in its status, over a few seconds of wall time.
async function framesPerSecond(page, ms = 4000) {
    await page.waitForTimeout(600);
    const first = [Date.now(), (await status(page)).frames];
    await page.waitForTimeout(ms);
    const last = [Date.now(), (await status(page)).frames];
    return Math.round((10 * (last[1] - first[1]) * 1000) / (last[0] - first[0])) / 10;
}

// Where a cell's centre is on the page: the grid's place in the canvas's pixels, as the game reports its
// layout, scaled to the canvas's CSS box.
async function cellPoint(page, cell) {
    await page.locator("#canvas").scrollIntoViewIfNeeded();
    const box = await page.locator("#canvas").boundingBox();
    const { layout, round } = await status(page);
    const [width, height] = layout.canvas;
    const x = layout.board.left + (cell[0] + 0.5) * layout.board.cell;
    const y = layout.board.top + (round.size[1] - 1 - cell[1] + 0.5) * layout.board.cell;
    return [box.x + (x * box.width) / width, box.y + (y * box.height) / height];
}

// The layout as a player's eye meets it, in CSS pixels: the canvas's box, a cell of the 8x8 board and the
// smallest text the game has drawn, from the game's report and the canvas's real size on the page (so a
// canvas the page scaled differently from what the game believes shows here).
async function measureLayout(page) {
    await page.locator("#canvas").scrollIntoViewIfNeeded();
    const box = await page.locator("#canvas").boundingBox();
    const { layout } = await status(page);
    const pixels = await page.evaluate(() => [document.getElementById("canvas").width,
        document.getElementById("canvas").height]);
    assert.deepEqual(pixels, layout.canvas, "the canvas is not the size the game reports");
    const cssPerCanvasPx = box.width / pixels[0];
    const round2 = (v) => Math.round(v * 100) / 100;
    return { layout: layout.name, canvas_css: [round2(box.width), round2(box.height)], canvas_px: pixels,
        cell_css: round2(layout.board.cell * cssPerCanvasPx),
        smallest_text_css: round2((layout.smallest_text_css * layout.density) * cssPerCanvasPx), box: box };
}

async function openPage(context, origin, opts, errors, dialogs, hash = "") {
    const page = await context.newPage();
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("dialog", (dialog) => { dialogs.push(dialog.message()); dialog.dismiss(); });
    page.on("console", (message) => {
        const text = message.text();
        const first = text.match(/^catmouse: first frame ([\d.]+) s after the page \((.*)\)$/);
        if (first) page.firstFrame = { total_s: Number(first[1]), stages: first[2] };
    });
    await page.goto(origin + "/" + hash);
    return page;
}

async function started(page) {
    await waitFor(page, () => document.body.classList.contains("running"), null, "the game's first status",
        START_MS);
    assert.equal(await page.evaluate(() => window.game_crashed || null), null, "the game crashed");
}

async function pickCat(page, name) {
    await page.click(`#cm-cats button[data-cat="${name}"]`);
    await waitFor(page, (n) => window.catmouse.status.cat === n, name, `the cat ${name}`);
}

// A round the player can move in: the cat is you, the round is under way and the cat is not boxed in.
async function freshRound(page) {
    await waitFor(page, () => !window.catmouse.status.round.result, null, "a round under way");
    return (await status(page)).round;
}

// One step of the player's cat by an action (a key press, a tap): it lands where the step says.
async function stepsTo(page, act, delta, what) {
    const before = await freshRound(page);
    const target = [before.cat[0] + delta[0], before.cat[1] + delta[1]];
    await act(target);
    await waitFor(page, ([moves, number]) => window.catmouse.status.round.cat_moves > moves ||
        window.catmouse.status.round.number !== number, [before.cat_moves, before.number], `${what} to move the cat`);
    const after = (await status(page)).round;
    assert.equal(after.number, before.number, `${what}: a new round began instead`);
    assert.deepEqual(after.cat, target, `${what}: the cat went from ${before.cat} to ${after.cat}, not ${target}`);
}

// Whether the cat can step this way: it stays on the board and does not land on the mouse.
function roomFor(round, [dx, dy]) {
    const x = round.cat[0] + dx;
    const y = round.cat[1] + dy;
    return x >= 0 && y >= 0 && x < round.size[0] && y < round.size[1] && !(x === round.mouse[0] && y === round.mouse[1]);
}

// A round under way with room for this step (N deals new rounds until there is one).
async function roundWithRoom(page, delta) {
    for (let tries = 0; tries < 40; tries++) {
        const round = await freshRound(page);
        if (roomFor(round, delta)) return round;
        await page.keyboard.press("n");
        await waitFor(page, (n) => window.catmouse.status.round.number !== n, round.number, "a new round");
    }
    throw new Error(`no round with room to step ${delta}`);
}

async function fullPass(context, origin, opts, server, errors, dialogs) {
    // --- before the game is up: the panel says so and does nothing (the wheels wait at the gate) ---
    const skip = (name) => opts.skip.has(name);
    server.gate.open = skip("starting");
    const page = await openPage(context, origin, opts, errors, dialogs);
    if (!skip("starting")) {
        await waitFor(page, () => document.querySelector("#cm-stages li.active[data-stage=packages]"), null,
            "the packages stage", START_MS);
        assert.match(await page.textContent("#cm-panel"), /starting/i, "the panel should say the game is starting");
        await page.click("#cm-learn", { force: true }).catch(() => undefined);
        await page.click("[data-sight=fog]", { force: true }).catch(() => undefined);
        assert.equal(await page.isChecked("#cm-learn"), false, "Learn could be ticked before the game was up");
        assert.deepEqual(await page.evaluate(() => window.catmouse.mailbox.filter((c) => c.type !== "restore" && c.type !== "screen")), [],
            "clicks queued commands before the game was up");
        server.gate.open = true;
        for (const go of server.gate.waiting.splice(0)) go();
        check("while the runtime loads the panel says it is starting, and its controls do nothing");
    }

    // --- the first frame, the panel from the game's own status ---
    await started(page);
    await waitFor(page, () => window.catmouse.status.frames > 2, null, "a few frames");
    const lit = await litShare(page);
    assert.ok(lit > 0.5, `the first frame is mostly dark (${(100 * lit).toFixed(1)} % lit)`);
    assert.equal(await page.locator("#cm-panel").evaluate((panel) => panel.inert), false, "the panel stayed asleep");
    results.first_frame = page.firstFrame;
    results.lit_share = Math.round(lit * 1000) / 1000;
    await waitFor(page, () => (window.catmouse.status.layout || {}).name === "landscape", null, "the desktop layout");
    const desktop = await measureLayout(page);
    delete desktop.box;
    results.desktop = desktop;
    assert.ok(Math.abs(desktop.canvas_px[0] - desktop.canvas_css[0]) <= 1,
        `the canvas is ${desktop.canvas_px[0]} px shown at ${desktop.canvas_css[0]} CSS px: scaled, not crisp`);
    check(`desktop: the landscape layout on a canvas of ${desktop.canvas_px.join("x")} px shown 1:1, cells ` +
        `${desktop.cell_css} CSS px, smallest text ${desktop.smallest_text_css} CSS px`);
    if (opts.shots) await page.screenshot({ path: join(opts.shots, "real-page.png") });
    assert.equal(await page.textContent("#cm-brain"), "lstm32_optimal.npz");
    await waitFor(page, (n) => document.querySelectorAll("#cm-brains button").length === n, opts.brains.length,
        "one button per bundled brain");
    assert.deepEqual(await page.$$eval("#cm-brains button", (bs) => bs.map((b) => b.dataset.brain)), opts.brains);
    assert.deepEqual(await page.$$eval("#cm-cats button", (bs) => bs.map((b) => b.dataset.cat)), opts.cats);
    assert.match(await page.textContent("#cm-meta"), /Hidden units\s*32/);
    assert.match(await page.textContent("#cm-step-ms"), /^\d+\.\d\d ms$/);
    check(`first frame drawn (${(100 * lit).toFixed(0)} % of the canvas lit); the panel shows the game's status`);
    results.fps_idle = await framesPerSecond(page);

    // --- each sight, with its own brain ---
    for (const [sight, brain] of [["fog", "lstm32_fog.npz"], ["flicker", "lstm32_flicker.npz"],
        ["classic", "lstm32_optimal.npz"]]) {
        await page.click(`[data-sight=${sight}]`);
        await waitFor(page, ([s, b]) => window.catmouse.status.sight === s && window.catmouse.status.brain === b,
            [sight, brain], `${sight} sight with ${brain}`);
        if (sight !== "classic" && opts.shots) {
            await page.waitForTimeout(500);
            await page.screenshot({ path: join(opts.shots, `real-${sight}.png`) });
        }
        assert.equal(await page.getAttribute(`[data-sight=${sight}]`, "aria-pressed"), "true");
    }
    check("fog, flicker and classic each switch the game to that sight and its brain");

    // --- a bundled brain, a cat ---
    await page.click('#cm-brains button[data-brain="lstm32_post.npz"]');
    await waitFor(page, () => window.catmouse.status.brain === "lstm32_post.npz", null, "lstm32_post in play");
    assert.match(await page.textContent("#cm-meta"), /post/i);
    await pickCat(page, "greedy");
    await waitFor(page, () => window.catmouse.status.round.cat_moves > 0, null, "the greedy cat to move");
    await pickCat(page, "you");
    check("a bundled brain and a scripted cat, picked in the panel, play");

    // --- the player's session against par, in the game's own words ---
    await waitFor(page, () => {
        const session = window.catmouse.status.session;
        const row = document.getElementById("cm-session");
        return Boolean(session && row && row.textContent && row.textContent === session.line.replace(/^Session: /, ""));
    }, null, "the panel's session row to show the game's line");
    check("the panel shows the session against par as the game words it");

    // --- uploads: a good brain plays, a broken one is refused and the brain stays ---
    const good = readFileSync(join(opts.weights, "lstm16_post.npz"));
    await page.setInputFiles("#cm-upload", { name: "my_brain.npz", mimeType: "application/octet-stream", buffer: good });
    await waitFor(page, () => window.catmouse.status.brain === "my_brain.npz", null, "the uploaded brain in play");
    assert.match(await page.textContent("#cm-meta"), /Hidden units\s*16/);
    const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 7)]);
    await page.setInputFiles("#cm-upload", { name: "broken.npz", mimeType: "application/octet-stream", buffer: broken });
    await waitFor(page, () => /broken\.npz/.test(document.getElementById("cm-error").textContent), null,
        "the game's one line about broken.npz");
    assert.equal((await status(page)).brain, "my_brain.npz", "the game dropped its brain for a broken file");
    check("an uploaded brain plays; a broken one gets one line from the game and the brain stays");

    // --- download: the brain as it is, under its own name while it has not learned ---
    if (!skip("download")) {
        const [download] = await Promise.all([page.waitForEvent("download"), page.click("#cm-download")]);
        assert.equal(download.suggestedFilename(), "my_brain.npz", "an untuned brain is downloaded as it is");
        const bytes = readFileSync(await download.path());
        assert.deepEqual([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04], "the download is not an .npz");
        check(`download saves ${download.suggestedFilename()} (${bytes.length.toLocaleString("en")} bytes) untouched by learning`);
    }

    // --- learning against a scripted cat until a learned brain is kept in this browser ---
    await page.click('#cm-brains button[data-brain="lstm32_optimal.npz"]');
    await waitFor(page, () => window.catmouse.status.brain === "lstm32_optimal.npz", null, "the default brain");
    await pickCat(page, "greedy");
    await page.click("#cm-learn");
    await waitFor(page, () => window.catmouse.status.learning === true, null, "learning on");
    const learnStarted = Date.now();
    await waitFor(page, () => /-tuned\.npz$/.test((JSON.parse(localStorage.getItem("catmouse.brain") || "{}")).name || ""),
        null, "a learned brain in the browser's storage", START_MS);
    results.seconds_to_first_kept = Math.round((Date.now() - learnStarted) / 100) / 10;
    results.fps_learning = await framesPerSecond(page);
    await page.click("#cm-learn");
    await waitFor(page, () => window.catmouse.status.learning === false, null, "learning off");
    const learned = await status(page);
    const updates = updatesIn(learned.learning_status);
    assert.ok(updates > 0, `no learning updates: ${learned.learning_status}`);
    check(`learning against the greedy cat: ${updates} updates, the learned brain kept in the browser`);

    // --- a reload brings back exactly the brain in play, with nothing downloaded ---
    if (!skip("reload")) {
        const kept = await stored(page);
        await page.reload();
        await started(page);
        await waitFor(page, (n) => window.catmouse.status.brain === n, kept.name, "the kept brain after the reload");
        const back = await status(page);
        assert.equal(updatesIn(back.learning_status), updates, `the reload brought back ${back.learning_status}`);
        assert.equal(back.sight, learned.sight);
        check(`a reload restores ${kept.name} with its ${updates} updates`);
    }

    // --- a tap on a cell steps the cat towards it ---
    await pickCat(page, "you");
    const round = await freshRound(page);
    const away = [[1, 0], [-1, 0], [0, 1], [0, -1]].find((delta) => roomFor(round, delta));
    await stepsTo(page, async (target) => {
        const [x, y] = await cellPoint(page, target);
        await page.mouse.click(x, y);
    }, away, "a tap on the next cell");
    check("a tap on a cell moves the cat there");
    await page.close();

    // --- the runtime's script cannot be fetched: the page says so at once ---
    if (!skip("blocked")) {
        const blocked = await context.newPage();
        const blockedErrors = [];
        blocked.on("pageerror", (error) => blockedErrors.push(String(error)));
        blocked.on("dialog", (dialog) => { dialogs.push(dialog.message()); dialog.dismiss(); });
        await blocked.route(RUNTIME_URL, (route) => route.abort("internetdisconnected"));
        const began = Date.now();
        await blocked.goto(origin + "/");
        await waitFor(blocked, () => !document.getElementById("cm-load-problem").hidden, null,
            "the page to say the runtime could not be fetched", 2000);
        results.seconds_to_blocked_message = Math.round((Date.now() - began) / 100) / 10;
        assert.match(await blocked.textContent("#cm-load-problem"), /Python runtime .* failed .*pythons\.js/);
        await blocked.close();
        check(`pythons.js blocked: the page says what failed within ${results.seconds_to_blocked_message} s`);
    }

    // --- pygbag's debug console (xterm.js) only with #debug: pythons.js reads its features from data-os ---
    if (!skip("debug")) {
        const plain = await openPage(context, origin, opts, errors, dialogs);
        const debug = await openPage(context, origin, opts, errors, dialogs, "#debug");
        const features = (p) => p.evaluate(() => document.getElementById("site").dataset.os.split(","));
        assert.ok(!(await features(plain)).includes("vtx"), "the debug console loads without #debug");
        assert.ok((await features(debug)).includes("vtx"), "#debug should bring the console");
        await plain.close();
        await debug.close();
        check("the debug console's files are asked for only with #debug");
    }
}

async function keysPass(launch, origin, opts, errors, dialogs) {
    const desktop = await launch({ viewport: { width: 1280, height: 800 } });
    const page = await openPage(desktop, origin, opts, errors, dialogs);
    await started(page);
    results.first_frame = page.firstFrame;
    await page.locator("#canvas").focus();
    const keys = { ArrowUp: [0, 1], ArrowRight: [1, 0], ArrowDown: [0, -1], ArrowLeft: [-1, 0],
        q: [-1, 1], e: [1, 1], z: [-1, -1], c: [1, -1] };
    for (const [key, delta] of Object.entries(keys)) {
        await roundWithRoom(page, delta);
        await stepsTo(page, () => page.keyboard.press(key), delta, `the ${key} key`);
    }
    check("the arrow keys and the diagonals (Q E Z C) move the cat");
    results.fps_idle = await framesPerSecond(page);
    await desktop.close();

    // phones: the layout for the screen it is on, measured as the player meets it; the pad's eight moves and a
    // tap on a diagonal cell; every panel control reachable and working below the game; then a rotation
    results.phones = {};
    const first = await launch({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true,
        hasTouch: true });
    const touch = await openPage(first, origin, opts, errors, dialogs);
    await started(touch);
    await onPhone(touch, "390x844", "portrait", opts);
    const pad = await touch.$$eval("#cm-dpad [data-key]", (buttons) => buttons.map((b) => b.dataset.key));
    assert.equal(pad.length, 8, `the pad has ${pad.length} buttons, not one for each of the cat's 8 moves`);
    for (const key of pad) {
        const delta = keys[key] || keys[key.toLowerCase()];
        assert.ok(delta, `the pad has a button for ${key}, which moves nothing`);
        await roundWithRoom(touch, delta);
        await stepsTo(touch, () => touch.locator(`#cm-dpad [data-key="${key}"]`).tap(), delta, `the pad's ${key}`);
    }
    check(`the on-screen pad's ${pad.length} buttons (four of them diagonals), tapped on a phone, each move the cat its way`);
    for (const delta of [[1, 1], [-1, -1]]) {
        await roundWithRoom(touch, delta);
        await stepsTo(touch, async (target) => {
            const [x, y] = await cellPoint(touch, target);
            await touch.touchscreen.tap(x, y);
        }, delta, `a tap on the diagonal cell ${delta}`);
    }
    check("a tap on a diagonal cell steps the cat there");
    await panelOnPhone(touch);
    await touch.setViewportSize({ width: 844, height: 390 }); // the phone turned on its side
    await onPhone(touch, "844x390", "compact", opts);
    await touch.setViewportSize({ width: 390, height: 844 }); // and back
    await onPhone(touch, "390x844 again", "portrait", null);
    check("turned on its side and back, the page tells the game and the game lays itself out again");
    await first.close();

    const small = await launch({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true,
        hasTouch: true });
    const narrow = await openPage(small, origin, opts, errors, dialogs);
    await started(narrow);
    await onPhone(narrow, "360x740", "portrait", opts);
    await small.close();
}

// One phone screen: the game's layout for it; cells a finger hits (40 CSS px and more on 8x8), text read at
// arm's length (no text in the canvas under 11 CSS px), nothing cut off or overlapping, the pad in view with the
// whole board, the panel below the game.
async function onPhone(page, name, expected, opts) {
    await waitFor(page, (n) => (window.catmouse.status.layout || {}).name === n, expected, `the ${expected} layout`);
    await waitFor(page, () => {
        const canvas = document.getElementById("canvas");
        const layout = window.catmouse.status.layout;
        return canvas.width === layout.canvas[0] && canvas.height === layout.canvas[1];
    }, null, "the canvas at the size the game reports");
    await page.waitForTimeout(700); // a status or two after the resize: the smallest text is the new layout's
    await page.evaluate(() => window.scrollTo(0, 0));
    const measured = await measureLayout(page);
    const viewport = page.viewportSize();
    const box = measured.box;
    delete measured.box;
    const boxes = await page.evaluate(() => {
        const rect = (el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y + scrollY, w: r.width, h: r.height }; };
        return { pad: rect(document.getElementById("cm-dpad")), panel: rect(document.getElementById("cm-panel")),
            buttons: [...document.querySelectorAll("#cm-dpad button")].map(rect),
            scrollWidth: document.documentElement.scrollWidth };
    });
    const canvasTop = box.y + (await page.evaluate(() => scrollY));
    const reach = Math.max(canvasTop + box.height, boxes.pad.y + boxes.pad.h) - Math.min(canvasTop, boxes.pad.y);
    Object.assign(measured, { viewport: [viewport.width, viewport.height],
        board_and_pad_css_tall: Math.round(reach), pad_button_css: [boxes.buttons[0].w, boxes.buttons[0].h] });
    results.phones[name] = measured;
    console.log(`phone ${name}: ${JSON.stringify(measured)}`);
    assert.ok(measured.cell_css >= 40, `${name}: cells are ${measured.cell_css} CSS px, a finger needs 40+`);
    assert.ok(measured.smallest_text_css >= 11, `${name}: text of ${measured.smallest_text_css} CSS px in the canvas`);
    assert.ok(box.x >= 0 && box.x + box.width <= viewport.width + 0.5, `${name}: the canvas is cut off at the side`);
    assert.ok(box.height <= viewport.height, `${name}: the canvas is taller than the screen`);
    assert.ok(boxes.scrollWidth <= viewport.width, `${name}: the page scrolls sideways (${boxes.scrollWidth} px)`);
    assert.ok(reach <= viewport.height, `${name}: the board and the pad take ${reach} px, the screen has ${viewport.height}`);
    for (const button of boxes.buttons) {
        assert.ok(button.w >= 44 && button.h >= 44, `${name}: a pad button of ${button.w}x${button.h} CSS px`);
        const apart = button.y >= canvasTop + box.height - 0.5 || button.x >= box.x + box.width - 0.5;
        assert.ok(apart, `${name}: a pad button overlaps the canvas`);
        assert.ok(button.x >= 0 && button.x + button.w <= viewport.width + 0.5, `${name}: a pad button is cut off`);
    }
    assert.ok(boxes.panel.y >= canvasTop + box.height, `${name}: the panel is not below the game`);
    if (opts && opts.shots) {
        await page.screenshot({ path: join(opts.shots, `real-phone-${name}.png`) });
        // (not fullPage: Chromium drops the touch emulation for it, and the page is a desktop one after)
        await page.evaluate(() => document.getElementById("cm-panel").scrollIntoView());
        await page.screenshot({ path: join(opts.shots, `real-phone-${name}-panel.png`) });
        await page.evaluate(() => window.scrollTo(0, 0));
    }
    check(`phone ${name}: ${measured.layout} layout, canvas ${measured.canvas_css.join("x")} CSS px ` +
        `(${measured.canvas_px.join("x")} px), cells ${measured.cell_css} CSS px, smallest text ` +
        `${measured.smallest_text_css} CSS px; board and pad ${Math.round(reach)} px of ${viewport.height}; panel below`);
}

// What a desktop player has, on the phone: sights, brains, cats, learning and download, each in reach below the
// game, legible (14 CSS px and more), and each doing what it says when tapped.
async function panelOnPhone(page) {
    const sizes = await page.$$eval("#cm-panel button, #cm-panel label, #cm-panel dd, #cm-panel dt",
        (els) => els.map((el) => parseFloat(getComputedStyle(el).fontSize)));
    assert.ok(Math.min(...sizes) >= 12, `the panel has text of ${Math.min(...sizes)} CSS px`);
    const tap = async (selector) => {
        const control = page.locator(selector);
        await control.scrollIntoViewIfNeeded();
        const box = await control.boundingBox();
        const width = page.viewportSize().width;
        assert.ok(box && box.x >= 0 && box.x + box.width <= width + 0.5, `${selector} is cut off on the phone`);
        await control.tap();
    };
    // each control, and the status field and value the game shows once it has done what the control says
    const steps = [["[data-sight=fog]", "sight", "fog"], ["[data-sight=classic]", "sight", "classic"],
        ["[data-room=living]", "room", "living"], ["[data-room=open]", "room", "open"],
        ['#cm-brains button[data-brain="lstm32_post.npz"]', "brain", "lstm32_post.npz"],
        ['#cm-brains button[data-brain="lstm32_optimal.npz"]', "brain", "lstm32_optimal.npz"],
        ['#cm-cats button[data-cat="greedy"]', "cat", "greedy"], ['#cm-cats button[data-cat="you"]', "cat", "you"],
        ["#cm-learn", "learning", true], ["#cm-learn", "learning", false]];
    for (const [selector, field, value] of steps) {
        await tap(selector);
        await waitFor(page, ([f, v]) => window.catmouse.status[f] === v, [field, value],
            `${field} ${value} after a tap on ${selector}`);
    }
    const [download] = await Promise.all([page.waitForEvent("download"), tap("#cm-download")]);
    assert.match(download.suggestedFilename(), /\.npz$/);
    check("on the phone, below the game: rooms, sights, brains, cats, learning and download, each tapped, each works");
}

async function main() {
    const opts = options(process.argv.slice(2));
    const tally = { site: 0, runtime: 0, wheels: 0, boot: 0, files: new Map() };
    const server = await serve(opts, tally);
    const origin = `http://127.0.0.1:${server.address().port}`;
    const bootText = readFileSync(join(HERE, "boot.mjs"), "utf8");
    const boot = `window.CATMOUSE_BOOT = ${JSON.stringify({
        version: opts.version, pyodide: `${origin}/__pyodide/`, loader: `${origin}/__boot/loader.py`,
        wheels: opts.wheels.map((w) => ({ name: w.name, sha256: w.sha256, url: `${origin}/__wheels/${w.name}` })),
    })};\n${bootText}`;
    const errors = [];
    const dialogs = [];
    const outside = [];
    const profiles = [];
    // A browser with a fresh profile; nothing leaves 127.0.0.1 but the runtime's script, answered by the boot.
    const launch = async (settings) => {
        const profile = mkdtempSync(join(tmpdir(), "catmouse-real-"));
        profiles.push(profile);
        const context = await chromium.launchPersistentContext(profile, {
            executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, acceptDownloads: true, ...settings });
        await context.route("**/*", (route) => {
            const url = route.request().url();
            if (url.startsWith(origin + "/") || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
            if (url === RUNTIME_URL) {
                tally.boot = bootText.length;
                return route.fulfill({ status: 200, contentType: "text/javascript", body: boot });
            }
            outside.push(url);
            return route.abort();
        });
        return context;
    };
    try {
        if (opts.pass === "keys") {
            await keysPass(launch, origin, opts, errors, dialogs);
        } else {
            const context = await launch({ viewport: { width: 1280, height: 800 } });
            await fullPass(context, origin, opts, server, errors, dialogs);
            await context.close();
        }
        assert.deepEqual(errors, [], "errors in the page");
        assert.deepEqual(dialogs, [], "an alert() fired");
        assert.deepEqual(outside, [], "requests left 127.0.0.1");
        check("no page error, no alert(), no request off 127.0.0.1 but the runtime's");
    } finally {
        for (const profile of profiles) rmSync(profile, { recursive: true, force: true });
        server.close();
    }
    results.pyodide = opts.version;
    results.bytes = { site: tally.site, runtime: tally.runtime, wheels: tally.wheels, boot: tally.boot };
    console.log(`report ${JSON.stringify(results)}`);
    if (opts.report) writeFileSync(opts.report, JSON.stringify(results, null, 1));
    console.log(`all ${step} real-page checks passed`);
}

main().catch((error) => {
    console.error(`not ok - ${error.message}`);
    process.exit(1);
});
