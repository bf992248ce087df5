// Page test: the built site in headless Chromium, served from 127.0.0.1, with pygbag's runtime
// (pythons.js from the CDN) replaced by standin.js, which records what the page tells the game.
//
//   node page_test.mjs SITE_DIR [--weights DIR] [--screenshot FILE.png] [--mobile-screenshot FILE.png]
//
// Uses the system Chromium (/usr/bin/chromium or $CHROMIUM), never a downloaded browser.
import assert from "node:assert/strict";
import { readFileSync, readdirSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const HERE = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"];

function options(argv) {
    const result = { site: null, weights: resolve(HERE, "../../weights"), screenshot: null, mobileScreenshot: null };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--weights") result.weights = resolve(argv[++i]);
        else if (arg === "--screenshot") result.screenshot = resolve(argv[++i]);
        else if (arg === "--mobile-screenshot") result.mobileScreenshot = resolve(argv[++i]);
        else result.site = resolve(arg);
    }
    if (!result.site || !existsSync(join(result.site, "index.html"))) {
        throw new Error("usage: node page_test.mjs SITE_DIR (a build with index.html) [--weights DIR] [--screenshot F]");
    }
    return result;
}

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
    ".png": "image/png", ".apk": "application/zip", ".zip": "application/zip" };

function serve(root) {
    const server = createServer((request, response) => {
        const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
        const file = resolve(root, "." + (path.endsWith("/") ? path + "index.html" : path));
        if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
            response.writeHead(404).end("not found");
            return;
        }
        response.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
        response.end(readFileSync(file));
    });
    return new Promise((done) => server.listen(0, "127.0.0.1", () => done(server)));
}

let step = 0;
function check(name) {
    step += 1;
    console.log(`ok ${step} - ${name}`);
}

async function waitFor(page, predicate, arg, what) {
    try {
        await page.waitForFunction(predicate, arg, { timeout: 5000 });
    } catch (error) {
        throw new Error(`timed out waiting for ${what}`);
    }
}

const received = (page) => page.evaluate(() => window.standin.received);
const lastOfType = async (page, type) => (await received(page)).filter((c) => c.type === type).pop();
async function waitForCommand(page, type) {
    await waitFor(page, (t) => window.standin.received.some((c) => c.type === t), type, `a "${type}" command`);
    return lastOfType(page, type);
}
const focusedId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

async function main() {
    const opts = options(process.argv.slice(2));
    const brains = readdirSync(opts.weights).filter((n) => n.endsWith(".npz")).sort();
    assert.ok(brains.length > 0, `no brains in ${opts.weights}`);
    const goodBrain = readFileSync(join(opts.weights, brains[0]));
    const standin = `window.STANDIN_BRAINS = ${JSON.stringify(brains)};\n` +
        readFileSync(join(HERE, "standin.js"), "utf8");

    const server = await serve(opts.site);
    const origin = `http://127.0.0.1:${server.address().port}`;
    const profile = mkdtempSync(join(tmpdir(), "catmouse-chromium-"));
    const outside = [];
    const pageErrors = [];

    const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
        viewport: { width: 1280, height: 800 }, acceptDownloads: true,
    });
    try {
        // Nothing leaves the machine: the runtime's loader gets the stand-in, anything else outside is refused.
        await context.route("**/*", (route) => {
            const url = route.request().url();
            if (url.startsWith(origin + "/") || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
            if (/^https:\/\/pygame-web\.github\.io\/cdn\/0\.9\.3\/pythons\.js$/.test(url)) {
                return route.fulfill({ status: 200, contentType: "text/javascript", body: standin });
            }
            outside.push(url);
            return route.abort();
        });

        const page = context.pages()[0] || (await context.newPage());
        page.on("pageerror", (error) => pageErrors.push(String(error)));
        await page.goto(origin + "/");
        await waitFor(page, () => window.standin && window.standin.started, null, "the stand-in runtime to start");

        // --- start: the runtime's loader is ours, the banner is gone, the game has the keyboard ---
        assert.equal(await page.locator("#transfer").isHidden(), true, "loading banner still shown");
        assert.equal(await focusedId(page), "canvas", "the canvas should have focus at start");
        assert.equal(await page.title(), "Cat & Mouse");
        check("page starts: loader ran, banner hidden, canvas focused");

        // --- status rendering: brain name, meta, one picker button per bundled brain ---
        await waitFor(page, (n) => document.querySelectorAll("#cm-brains button").length === n, brains.length,
            "one picker button per bundled brain");
        assert.deepEqual(await page.$$eval("#cm-brains button", (bs) => bs.map((b) => b.dataset.brain)), brains);
        assert.equal(await page.textContent("#cm-brain"), brains[0]);
        const meta = await page.textContent("#cm-meta");
        assert.match(meta, /Hidden units\s*32/);
        assert.match(meta, /Grids\s*6\u00d76, 8\u00d78/);
        assert.match(meta, /Held-out mistakes per game\s*0\.410/);
        assert.equal(await page.textContent("#cm-step-ms"), "0.08 ms");
        assert.equal(await page.textContent("#cm-agreement"), "\u2013", "no agreement yet shows a dash");
        assert.equal(await page.locator("#cm-error").isHidden(), true);
        check("status shows brain name, meta, ms figures and the bundled brains");

        // --- arrow keys and space go to the game and never scroll the page ---
        await page.setViewportSize({ width: 1000, height: 420 });
        const scrollable = await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight);
        assert.ok(scrollable, "page should be taller than the viewport for this check");
        for (const key of ["ArrowDown", "ArrowDown", "Space", "PageDown", "ArrowRight"]) await page.keyboard.press(key);
        assert.equal(await page.evaluate(() => window.scrollY), 0, "keys scrolled the page");
        const keys = await page.evaluate(() => window.standin.keys.map((k) => k.key));
        assert.deepEqual(keys.slice(0, 3), ["ArrowDown", "ArrowDown", " "]);
        await page.setViewportSize({ width: 1280, height: 800 });
        check("arrow keys and space reach the game and do not scroll");

        // --- learn toggle: command sent, panel follows the game's status, focus back on the canvas ---
        await page.click("#cm-learn");
        assert.deepEqual(await waitForCommand(page, "learn"), { type: "learn", on: true });
        await waitFor(page, () => document.getElementById("cm-agreement").textContent === "90.0 %", null, "agreement");
        assert.equal(await page.isChecked("#cm-learn"), true);
        assert.equal(await page.textContent("#cm-learning-status"),
                     "held-out 99.7% now \u00b7 fell back to the best weights once", "the learner's line");
        assert.equal(await focusedId(page), "canvas", "focus should return to the canvas after a panel click");
        await page.keyboard.press("ArrowLeft");
        const lastKey = await page.evaluate(() => window.standin.keys.at(-1));
        assert.deepEqual(lastKey, { key: "ArrowLeft", keyCode: 37, target: "canvas" });
        check("learn toggle sends {learn:true}; the game keeps the keyboard");

        // --- teacher choice ---
        await page.click("[data-teacher=optimal]");
        assert.deepEqual(await waitForCommand(page, "teacher"), { type: "teacher", name: "optimal" });
        await waitFor(page, () => document.querySelector("[data-teacher=optimal]").getAttribute("aria-pressed") === "true",
            null, "the optimal teacher to show as chosen");
        assert.equal(await page.getAttribute("[data-teacher=post]", "aria-pressed"), "false");
        check("teacher choice sends {teacher:optimal} and shows it");

        // --- learning speed slider (pointer: a click at its right end) ---
        const box = await page.locator("#cm-speed").boundingBox();
        await page.mouse.click(box.x + box.width - 2, box.y + box.height / 2);
        assert.deepEqual(await waitForCommand(page, "learn_speed"), { type: "learn_speed", value: 10 });
        await waitFor(page, () => document.getElementById("cm-speed-value").textContent === "10", null, "speed 10");
        assert.equal(await focusedId(page), "canvas");
        check("learning speed slider sends {learn_speed:10}");

        // --- brain picker ---
        const other = brains[brains.length - 1];
        await page.click(`#cm-brains button[data-brain="${other}"]`);
        assert.deepEqual(await waitForCommand(page, "brain"), { type: "brain", name: other });
        await waitFor(page, (n) => document.getElementById("cm-brain").textContent === n, other, "picked brain shown");
        assert.equal(await page.getAttribute(`#cm-brains button[data-brain="${other}"]`, "aria-pressed"), "true");
        check(`brain picker sends {brain:${other}}`);

        // --- load your own brain: a good file ---
        await page.setInputFiles("#cm-upload", { name: "my_brain.npz", mimeType: "application/octet-stream", buffer: goodBrain });
        const upload = await waitForCommand(page, "upload");
        assert.equal(upload.name, "my_brain.npz");
        assert.equal(upload.data, goodBrain.toString("base64"), "uploaded bytes differ");
        await waitFor(page, () => document.getElementById("cm-brain").textContent === "my_brain.npz", null, "upload shown");
        assert.equal(await page.locator("#cm-error").isHidden(), true);
        check("a good .npz is sent as base64 and becomes the brain");

        // --- a bad file the page recognises itself: not a zip; nothing reaches the game ---
        const uploadsBefore = (await received(page)).filter((c) => c.type === "upload").length;
        await page.setInputFiles("#cm-upload", { name: "notes.npz", mimeType: "text/plain", buffer: Buffer.from("hello, mouse") });
        await waitFor(page, () => !document.getElementById("cm-error").hidden, null, "the error line");
        assert.match(await page.textContent("#cm-error"), /notes\.npz: not a brain file/);
        assert.equal(await page.locator("#cm-error").evaluate((e) => getComputedStyle(e).color), "rgb(255, 107, 107)");
        await page.waitForTimeout(500); // several full status updates (error: "") from the game meanwhile
        assert.match(await page.textContent("#cm-error"), /notes\.npz: not a brain file/, "the page's error vanished");
        assert.equal((await received(page)).filter((c) => c.type === "upload").length, uploadsBefore);
        assert.equal(await page.textContent("#cm-brain"), "my_brain.npz", "the game should keep its brain");
        check("a non-zip file gets a red error line in the page and is never sent");

        // --- a bad file only the game can judge: the game's error is shown, the brain stays ---
        const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(40, 7)]);
        await page.setInputFiles("#cm-upload", { name: "truncated.npz", mimeType: "application/octet-stream", buffer: broken });
        await waitFor(page, () => /truncated\.npz: not a readable/.test(document.getElementById("cm-error").textContent),
            null, "the game's error about truncated.npz");
        assert.equal(await page.textContent("#cm-brain"), "my_brain.npz");
        check("a broken .npz reaches the game; its error is shown and the brain stays");

        // --- download this brain: the page's own helper saves the game's bytes ---
        const [download] = await Promise.all([page.waitForEvent("download"), page.click("#cm-download")]);
        assert.deepEqual(await lastOfType(page, "download"), { type: "download" });
        assert.equal(download.suggestedFilename(), "my_brain.npz");
        const saved = readFileSync(await download.path(), "utf8");
        assert.equal(saved, "brain bytes of my_brain.npz");
        assert.equal(await focusedId(page), "canvas");
        check("download sends {download} and saves the bytes the game hands back");

        // --- storage: the fine-tuned brain survives a reload until reset ---
        const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("catmouse.brain")));
        assert.equal(stored.name, `${brains[0].replace(/\.npz$/, "")}-tuned.npz`);
        await page.reload();
        await waitFor(page, () => window.standin && window.standin.started, null, "restart after reload");
        const restore = await waitForCommand(page, "restore");
        assert.deepEqual(restore, { type: "restore", name: stored.name, data: stored.data });
        assert.equal((await received(page))[0].type, "restore", "restore should be the first message after a reload");
        check("after a reload the page hands the stored brain back with {restore}");

        await page.click("#cm-reset");
        await waitForCommand(page, "reset");
        assert.equal(await page.evaluate(() => localStorage.getItem("catmouse.brain")), null);
        await page.reload();
        await waitFor(page, () => window.standin && window.standin.started, null, "restart after reset");
        await page.waitForTimeout(400);
        assert.equal((await received(page)).some((c) => c.type === "restore"), false, "reset brain came back");
        check("reset clears the stored brain: nothing is restored after the next reload");

        if (opts.screenshot) {
            await page.evaluate(() => window.catmouse.show(JSON.stringify({
                learning: true, teacher: "optimal", agreement: 0.934, update_ms: 0.61,
                message: "Learning from the optimal teacher" })));
            await page.screenshot({ path: opts.screenshot });
            check(`screenshot ${opts.screenshot}`);
        }
        assert.deepEqual(pageErrors, [], "errors in the page");
        assert.deepEqual(outside, [], "requests left 127.0.0.1 besides the runtime loader");
        check("no page errors, no request outside 127.0.0.1 but the runtime loader");
        await page.close();
    } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
    }

    // --- a phone: touch pad and panel taps ---
    const phoneProfile = mkdtempSync(join(tmpdir(), "catmouse-chromium-"));
    const phone = await chromium.launchPersistentContext(phoneProfile, {
        executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
        viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    });
    try {
        await phone.route("**/*", (route) => {
            const url = route.request().url();
            if (url.startsWith(origin + "/")) return route.continue();
            if (url.endsWith("/cdn/0.9.3/pythons.js")) {
                return route.fulfill({ status: 200, contentType: "text/javascript", body: standin });
            }
            return route.abort();
        });
        const page = phone.pages()[0] || (await phone.newPage());
        await page.goto(origin + "/");
        await waitFor(page, () => window.standin && window.standin.started, null, "the stand-in on a phone");
        assert.equal(await page.locator("#cm-dpad").isVisible(), true, "the touch pad should show on a phone");
        const canvasBox = await page.locator("#canvas").boundingBox();
        assert.ok(canvasBox.width <= 390 && canvasBox.width > 300, `canvas should fit the phone (${canvasBox.width})`);
        assert.ok(Math.abs(canvasBox.width / canvasBox.height - 640 / 480) < 0.02, "canvas keeps its aspect ratio");
        await page.locator("#cm-dpad [data-key=ArrowUp]").tap();
        await waitFor(page, () => window.standin.keys.some((k) => k.key === "ArrowUp" && k.keyCode === 38), null,
            "the pad's Up to reach the game");
        await page.locator("#cm-learn").tap();
        assert.deepEqual(await waitForCommand(page, "learn"), { type: "learn", on: true });
        if (opts.mobileScreenshot) await page.screenshot({ path: opts.mobileScreenshot, fullPage: true });
        check("phone: the pad sends arrow keys to the game, panel taps send commands, canvas scales to fit");
    } finally {
        await phone.close();
        rmSync(phoneProfile, { recursive: true, force: true });
        server.close();
    }
    console.log(`all ${step} page checks passed`);
}

main().catch((error) => {
    console.error(`not ok - ${error.message}`);
    process.exit(1);
});
