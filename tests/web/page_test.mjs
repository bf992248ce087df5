// Page test: the built site in headless Chromium, served from 127.0.0.1, with pygbag's runtime
// (pythons.js from the CDN) replaced by standin.js, which behaves as 0.9.3's pythons.js where the page
// depends on it, replays the real loader's calls on the page, and records what the page tells the game.
//
//   node page_test.mjs SITE_DIR --loader-calls START.json --failed-loader-calls FAILED.json
//       [--weights DIR] [--screenshot FILE.png] [--mobile-screenshot FILE.png] [--loading-screenshot FILE.png]
//       [--tuned-status STATUS.json] [--tuned-screenshot FILE.png] [--sent SENT.json]
//
// START.json and FAILED.json are [method, stage, detail] lists: what the loader in index.html called on
// window.catmouse when run against tests/fake_pygbag.py (tests/web/test_page.py records them).
// STATUS.json is what the real game (Game.status) sends with a tuned brain file loaded; SENT.json gets every
// command the page sent, for test_page.py to check against the game's own parser.
// Uses the system Chromium (/usr/bin/chromium or $CHROMIUM), never a downloaded browser.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, readdirSync, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
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
    const result = { site: null, weights: resolve(HERE, "../../weights"), screenshot: null, mobileScreenshot: null,
        loadingScreenshot: null, calls: null, failedCalls: null, tunedStatus: null, tunedScreenshot: null, sent: null };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--weights") result.weights = resolve(argv[++i]);
        else if (arg === "--loader-calls") result.calls = JSON.parse(readFileSync(argv[++i], "utf8"));
        else if (arg === "--failed-loader-calls") result.failedCalls = JSON.parse(readFileSync(argv[++i], "utf8"));
        else if (arg === "--tuned-status") result.tunedStatus = JSON.parse(readFileSync(argv[++i], "utf8"));
        else if (arg === "--tuned-screenshot") result.tunedScreenshot = resolve(argv[++i]);
        else if (arg === "--sent") result.sent = resolve(argv[++i]);
        else if (arg === "--brains") result.brains = argv[++i].split(",");
        else if (arg === "--cats") result.cats = argv[++i].split(",");
        else if (arg === "--loading-screenshot") result.loadingScreenshot = resolve(argv[++i]);
        else if (arg === "--screenshot") result.screenshot = resolve(argv[++i]);
        else if (arg === "--mobile-screenshot") result.mobileScreenshot = resolve(argv[++i]);
        else result.site = resolve(arg);
    }
    if (!result.site || !existsSync(join(result.site, "index.html"))) {
        throw new Error("usage: node page_test.mjs SITE_DIR (a build with index.html) --loader-calls F " +
            "--failed-loader-calls F [--weights DIR] [--screenshot F]");
    }
    if (!result.calls || !result.failedCalls) throw new Error("--loader-calls and --failed-loader-calls are needed");
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
const sent = []; // every command the page sent, over every load of it
async function keepSent(page) {
    sent.push(...(await received(page)));
}
const lastOfType = async (page, type) => (await received(page)).filter((c) => c.type === type).pop();
async function waitForCommand(page, type) {
    await waitFor(page, (t) => window.standin.received.some((c) => c.type === t), type, `a "${type}" command`);
    return lastOfType(page, type);
}
// The stand-in asked to scroll to y = 1080 as 0.9.3 does; on a page taller than the window that would move it.
async function assertNoJump(page, where) {
    await page.waitForTimeout(100);
    const seen = await page.evaluate(() => ({ y: window.scrollY, asked: window.standin.scrollAsked,
        room: document.documentElement.scrollHeight - window.innerHeight }));
    assert.equal(seen.asked, 1, `${where}: the stand-in should have asked for the scroll once`);
    assert.ok(seen.room > 0, `${where}: the page fits the window, so this check would prove nothing`);
    assert.equal(seen.y, 0, `${where}: the page jumped to y = ${seen.y}`);
}
const focusedId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

async function main() {
    const opts = options(process.argv.slice(2));
    // the brains the game offers (test_page.py asks the real game), else every file in the folder
    const brains = opts.brains || readdirSync(opts.weights).filter((n) => n.endsWith(".npz")).sort();
    assert.ok(brains.length > 0, `no brains in ${opts.weights}`);
    const goodBrain = readFileSync(join(opts.weights, brains[0]));
    const standinText = readFileSync(join(HERE, "standin.js"), "utf8");
    // what the next page load's stand-in replays: the loader's calls, and where (if anywhere) it stalls
    let serving = { calls: opts.calls, stopAt: null, noWasm: false };
    const cats = opts.cats || ["you", "perfect", "greedy"];
    const standin = () => `window.STANDIN_BRAINS = ${JSON.stringify(brains)};\n` +
        `window.STANDIN_CATS = ${JSON.stringify(cats)};\n` +
        `window.STANDIN_NO_WASM = ${JSON.stringify(serving.noWasm)};\n` +
        `window.STANDIN_LOADER_CALLS = ${JSON.stringify(serving.calls)};\n` +
        `window.STANDIN_STOP_AT = ${JSON.stringify(serving.stopAt)};\n` + standinText;

    const server = await serve(opts.site);
    const origin = `http://127.0.0.1:${server.address().port}`;
    const localhost = `http://localhost:${server.address().port}`;
    const dialogs = [];
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
            if (url.startsWith(origin + "/") || url.startsWith(localhost + "/") || url.startsWith("data:") ||
                url.startsWith("blob:")) return route.continue();
            if (/^https:\/\/pygame-web\.github\.io\/cdn\/0\.9\.3\/pythons\.js$/.test(url)) {
                return route.fulfill({ status: 200, contentType: "text/javascript", body: standin() });
            }
            outside.push(url);
            return route.abort();
        });

        const page = context.pages()[0] || (await context.newPage());
        page.on("pageerror", (error) => pageErrors.push(String(error)));
        page.on("dialog", (dialog) => { dialogs.push(dialog.message()); dialog.dismiss(); });
        await page.goto(origin + "/");

        // --- loading: each stage in turn; the banner stays while numpy installs, after the runtime's own
        // status line went blank ---
        await waitFor(page, () => document.querySelector("#cm-stages li.active[data-stage=packages]"), null,
            "the numpy stage");
        assert.equal(await page.locator("#transfer").isVisible(), true, "banner gone before the game's first frame");
        assert.equal(await page.evaluate(() => document.body.classList.contains("running")), false);
        assert.equal(await page.textContent("#status"), "", "the stand-in clears the runtime's status as 0.9.3 does");
        assert.deepEqual(await page.$$eval("#cm-stages li", (items) => items.map((li) => [li.dataset.stage, li.className])),
            [["runtime", "done"], ["archive", "done"], ["packages", "active"], ["game", "waiting"]]);
        assert.match(await page.textContent("#cm-stage-detail"), /numpy and pygame-ce/);
        assert.equal(await page.locator("#cm-load-problem").isHidden(), true);
        if (opts.loadingScreenshot) await page.screenshot({ path: opts.loadingScreenshot });
        check("loading: runtime and game files done, numpy under way, banner kept until the first frame");

        await waitFor(page, () => window.standin && window.standin.started, null, "the stand-in runtime to start");
        await waitFor(page, () => document.getElementById("transfer").hidden, null, "the banner to go");
        await assertNoJump(page, "1280x800");
        assert.deepEqual(await page.$$eval("#cm-stages li", (items) => items.map((li) => li.className)),
            ["done", "done", "done", "done"]);
        check("the page stays at the top at 1280x800 although the runtime asked to scroll to y = 1080");

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
        // the stand-in sends the whole status every 100 ms, as the game does: the card's rows must stay the same nodes
        await page.evaluate(() => { window.firstMetaRow = document.querySelector("#cm-meta dd"); });
        await page.waitForTimeout(350);
        assert.equal(await page.evaluate(() => document.querySelector("#cm-meta dd") === window.firstMetaRow), true,
            "the brain card was rebuilt by a status with the same meta");
        check("status shows brain name, meta, ms figures and the bundled brains; the card stays put between statuses");

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

        // --- sight choice: one button per preset, from the protocol; the game's status says which is on ---
        const sights = await page.$$eval("#cm-sights button", (bs) => bs.map((b) => [b.dataset.sight, b.textContent,
            b.getAttribute("aria-pressed")]));
        assert.deepEqual(sights.map((s) => s[0]), ["classic", "fog", "flicker"]);
        assert.deepEqual(sights.map((s) => s[1]), ["Classic", "Fog", "Flicker"], "the protocol's labels");
        assert.match(await page.getAttribute("[data-sight=fog]", "title"), /within 2 cells/);
        assert.deepEqual(sights.map((s) => s[2]), ["true", "false", "false"], "classic is the sight at start");
        await page.click("[data-sight=fog]");
        assert.deepEqual(await waitForCommand(page, "sight"), { type: "sight", name: "fog" });
        await waitFor(page, () => document.querySelector("[data-sight=fog]").getAttribute("aria-pressed") === "true",
            null, "fog to show as chosen");
        assert.equal(await page.getAttribute("[data-sight=classic]", "aria-pressed"), "false");
        assert.equal(await focusedId(page), "canvas", "focus should return to the canvas after the sight choice");
        await page.click("[data-sight=classic]");
        await waitFor(page, () => window.standin.received.filter((c) => c.type === "sight").length === 2, null,
            "a second sight command");
        assert.deepEqual(await lastOfType(page, "sight"), { type: "sight", name: "classic" });
        await waitFor(page, () => document.querySelector("[data-sight=classic]").getAttribute("aria-pressed") === "true",
            null, "classic to show as chosen again");
        check("sight choice: classic, fog, flicker from the protocol; sends {sight:fog} and shows it");

        // --- room choice: one button per room, from the protocol; the game's status says which is in play ---
        const rooms = await page.$$eval("#cm-rooms button", (bs) => bs.map((b) => [b.dataset.room,
            b.getAttribute("aria-pressed")]));
        assert.equal(rooms[0][0], "open", "the open board comes first");
        assert.ok(rooms.length >= 5 && rooms.some((r) => r[0] === "living"), "the shipped rooms are offered");
        assert.equal(rooms[0][1], "true", "the open board is the room at start");
        await page.click("[data-room=living]");
        assert.deepEqual(await waitForCommand(page, "room"), { type: "room", name: "living" });
        await waitFor(page, () => document.querySelector("[data-room=living]").getAttribute("aria-pressed") === "true",
            null, "the living room to show as chosen");
        assert.equal(await page.getAttribute("[data-room=open]", "aria-pressed"), "false");
        await page.click("[data-room=open]");
        await waitFor(page, () => document.querySelector("[data-room=open]").getAttribute("aria-pressed") === "true",
            null, "the open board to show as chosen again");
        check(`room choice: ${rooms.length} rooms from the protocol; sends {room:living} and shows it`);

        // --- learning speed slider (pointer: a click at its right end) ---
        await page.locator("#cm-speed").scrollIntoViewIfNeeded(); // the panel may reach below the window
        const box = await page.locator("#cm-speed").boundingBox();
        await page.mouse.click(box.x + box.width - 2, box.y + box.height / 2);
        assert.deepEqual(await waitForCommand(page, "learn_speed"), { type: "learn_speed", value: 10 });
        await page.evaluate(() => window.scrollTo(0, 0)); // a reload below must start at the top
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

        // --- cat picker: you, the scripted cats and the cat brains, as the game lists them ---
        await waitFor(page, (n) => document.querySelectorAll("#cm-cats button").length === n, cats.length,
            "one cat picker button per cat");
        assert.deepEqual(await page.$$eval("#cm-cats button", (bs) => bs.map((b) => b.dataset.cat)), cats);
        assert.deepEqual(await page.$$eval("#cm-cats button", (bs) => bs.map((b) => b.textContent)),
            cats.map((name) => name.replace(/\.npz$/, "")));
        assert.equal(await page.getAttribute('#cm-cats button[data-cat="you"]', "aria-pressed"), "true");
        const rival = cats[cats.length - 1];
        await page.click(`#cm-cats button[data-cat="${rival}"]`);
        assert.deepEqual(await waitForCommand(page, "cat"), { type: "cat", name: rival });
        await waitFor(page, (n) => {
            const button = document.querySelector(`#cm-cats button[data-cat="${n}"]`);
            return button !== null && button.getAttribute("aria-pressed") === "true";
        }, rival, "the picked cat to show as chosen");
        assert.equal(await page.getAttribute('#cm-cats button[data-cat="you"]', "aria-pressed"), "false");
        assert.equal(await focusedId(page), "canvas", "focus should return to the canvas after picking a cat");
        await page.click('#cm-cats button[data-cat="you"]');
        await waitFor(page, () => window.standin.received.filter((c) => c.type === "cat").length === 2, null,
            "a second \"cat\" command");
        assert.deepEqual(await lastOfType(page, "cat"), { type: "cat", name: "you" });
        await waitFor(page, () => {
            const button = document.querySelector('#cm-cats button[data-cat="you"]');
            return button !== null && button.getAttribute("aria-pressed") === "true";
        }, null, "you to be the cat again");
        check(`cat picker lists ${cats.length} cats, sends {cat:${rival}} and {cat:you} and shows the choice`);

        // --- a cat brain of the player's: sent as base64, it joins the picker and plays; a non-zip never leaves
        await page.setInputFiles("#cm-cat-upload", { name: "my_cat.npz", mimeType: "application/octet-stream",
            buffer: goodBrain });
        const catUpload = await waitForCommand(page, "cat_upload");
        assert.equal(catUpload.name, "my_cat.npz");
        assert.equal(catUpload.data, goodBrain.toString("base64"), "uploaded cat bytes differ");
        await waitFor(page, () => {
            const button = document.querySelector('#cm-cats button[data-cat="my_cat.npz"]');
            return button && button.getAttribute("aria-pressed") === "true";
        }, null, "the uploaded cat in the picker, chosen");
        await page.setInputFiles("#cm-cat-upload", { name: "cat.txt", mimeType: "text/plain", buffer: Buffer.from("miaow") });
        await waitFor(page, () => /cat\.txt: not a brain file .*the cat stays as it is/.test(
            document.getElementById("cm-error").textContent), null, "the page's error about cat.txt");
        assert.equal((await received(page)).filter((c) => c.type === "cat_upload").length, 1);
        await page.click('#cm-cats button[data-cat="you"]');
        await page.evaluate(() => window.scrollTo(0, 0));
        check("a cat brain file of the player's is sent with {cat_upload} and joins the picker; a bad one stays in the page");

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

        // --- storage: the brain the game handed over survives a reload until reset ---
        const learnedName = `${brains[0].replace(/\.npz$/, "")}-tuned.npz`;
        await keepSent(page);
        await page.reload();
        await waitFor(page, () => window.standin && window.standin.started, null, "restart after reload");
        const restore = await waitForCommand(page, "restore");
        assert.deepEqual(restore, { type: "restore", name: learnedName,
            data: Buffer.from("tuned " + brains[0]).toString("base64") });
        assert.equal((await received(page))[0].type, "restore", "restore should be the first message after a reload");
        check("after a reload the page hands the kept brain back with {restore}");

        // --- a brain handed over just before the page is left is kept: written on pagehide, not later ---
        await page.evaluate(() => window.catmouse.store("last-second.npz", btoa("the last updates")));
        await keepSent(page);
        await page.reload();
        await waitFor(page, () => window.standin && window.standin.started, null, "restart after a quick reload");
        assert.deepEqual(await waitForCommand(page, "restore"), { type: "restore", name: "last-second.npz",
            data: Buffer.from("the last updates").toString("base64") });
        check("a brain handed over just before a reload is written when the page is left");

        await page.click("#cm-reset");
        await waitForCommand(page, "reset");
        assert.equal(await page.evaluate(() => localStorage.getItem("catmouse.brain")), null);
        await keepSent(page);
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
        // --- a tuned brain's card, from the status the real game sends with a tuned file loaded ---
        if (opts.tunedStatus) {
            await page.evaluate((s) => { // as if the game had loaded the tuned file: it sends this from now on
                Object.assign(window.standin.status, s);
                window.catmouse.show(JSON.stringify(s));
            }, opts.tunedStatus);
            // one evaluate: $$eval queries and maps in two, and a status arriving between them detaches the rows
            const rows = await page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll("#cm-meta dd"),
                (d) => [d.dataset.meta, [d.previousElementSibling.textContent, d.textContent]])));
            const meta = opts.tunedStatus.meta;
            assert.deepEqual(rows.tuned, ["Tuned", meta.tuned]);
            assert.deepEqual(rows.fine_tuned_from, ["Fine-tuned from", meta.fine_tuned_from]);
            assert.deepEqual(rows.fine_tune_updates, ["Fine-tuning updates", meta.fine_tune_updates.toLocaleString("en")]);
            assert.deepEqual(rows.tuned_heldout_agreement,
                ["Held-out agreement when saved", (100 * meta.tuned_heldout_agreement).toFixed(1) + " %"]);
            assert.deepEqual(rows.architecture, ["Architecture", "LSTM"]);
            assert.equal("agreement" in rows, false, "a figure the tuned file sets to null gets no row");
            if (opts.tunedScreenshot) {
                await page.locator("#cm-panel").screenshot({ path: opts.tunedScreenshot });
                await page.evaluate(() => window.scrollTo(0, 0)); // the reload below must start at the top
            }
            check("a tuned brain's card shows where it came from: tuned line, origin, updates, held-out when saved");
        }
        // --- 1366x768: no jump either ---
        await page.setViewportSize({ width: 1366, height: 768 });
        await keepSent(page);
        await page.reload();
        await waitFor(page, () => window.standin && window.standin.started, null, "restart at 1366x768");
        await assertNoJump(page, "1366x768");
        await page.setViewportSize({ width: 1280, height: 800 });
        check("the page stays at the top at 1366x768");

        // --- a stage that fails: the page says which and what to try, and no game starts ---
        serving = { calls: opts.failedCalls, stopAt: null };
        await keepSent(page);
        await page.reload();
        await waitFor(page, () => !document.getElementById("cm-load-problem").hidden, null, "the failure message");
        const failure = await page.textContent("#cm-load-problem");
        assert.match(failure, /Game files failed/);
        assert.match(failure, /catmouse\.tar\.gz/);
        assert.match(failure, /Reload the page/);
        assert.equal(await page.getAttribute("#cm-stages li[data-stage=archive]", "class"), "failed");
        await page.waitForTimeout(600);
        assert.equal(await page.evaluate(() => window.standin.started), false);
        assert.equal(await page.locator("#transfer").isVisible(), true);
        check("a failed stage: the page names it and says what to try");
        serving = { calls: opts.calls, stopAt: null };

        // --- the runtime's own files missing: one message in the page, no alert() from the runtime ---
        serving = { calls: opts.calls, stopAt: null, noWasm: true };
        const errorsBefore = pageErrors.length;
        await keepSent(page);
        await page.reload();
        await waitFor(page, () => !document.getElementById("cm-load-problem").hidden, null, "the runtime failure");
        const noWasm = await page.textContent("#cm-load-problem");
        assert.match(noWasm, /Python runtime \(pygbag 0\.9\.3\) failed \(Not Found : https:\/\/pygame-web\.github\.io\/cdn\/0\.9\.3\/cpython312\/main\.data\)/);
        assert.match(noWasm, /another browser/);
        assert.equal(await page.getAttribute("#cm-stages li[data-stage=runtime]", "class"), "failed");
        await page.waitForTimeout(200);
        assert.deepEqual(await page.evaluate(() => window.standin.alerts), [], "the runtime's alert() fired");
        // the stand-in's own two errors (as main.js throws them) are expected here, nothing else
        assert.deepEqual(pageErrors.splice(errorsBefore).map((e) => e.split(":")[0]), ["Error", "Error"]);
        serving = { calls: opts.calls, stopAt: null, noWasm: false };
        check("runtime files missing: the page says so, the runtime's alerts stay quiet");

        // --- a stage that stalls: after 60 s without progress the page says so (fake clock) ---
        const stalled = await context.newPage();
        stalled.on("pageerror", (error) => pageErrors.push(String(error)));
        await stalled.clock.install();
        serving = { calls: opts.calls, stopAt: "packages" };
        await stalled.goto(origin + "/");
        await waitFor(stalled, () => window.standin && window.standin.events.includes("stalled at packages"), null,
            "the stand-in to stall at numpy");
        assert.equal(await stalled.locator("#cm-load-problem").isHidden(), true, "a message before any stall");
        await stalled.clock.fastForward(59000);
        assert.equal(await stalled.locator("#cm-load-problem").isHidden(), true, "a message before 60 s");
        await stalled.clock.fastForward(2000);
        await waitFor(stalled, () => !document.getElementById("cm-load-problem").hidden, null, "the stall message");
        const stall = await stalled.textContent("#cm-load-problem");
        assert.match(stall, /numpy and pygame-ce: no progress for 6\d s/);
        assert.match(stall, /pygbag's CDN/);
        assert.equal(await stalled.getAttribute("#cm-stages li[data-stage=packages]", "class"), "active");
        await stalled.close();
        serving = { calls: opts.calls, stopAt: null };
        check("a stage with no progress for 60 s gets a message naming it and what to try");

        // --- opened as localhost, the page moves to 127.0.0.1 (where the runtime finds numpy) ---
        await keepSent(page);
        await page.goto(localhost + "/");
        await waitFor(page, () => window.standin && window.standin.started, null, "a start via localhost");
        assert.equal(new URL(page.url()).hostname, "127.0.0.1");
        check("localhost is sent on to 127.0.0.1");

        assert.deepEqual(pageErrors, [], "errors in the page");
        assert.deepEqual(dialogs, [], "the runtime's alert() fired (an uncaught error in the page)");
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
                return route.fulfill({ status: 200, contentType: "text/javascript", body: standin() });
            }
            return route.abort();
        });
        const page = phone.pages()[0] || (await phone.newPage());
        await page.goto(origin + "/");
        await waitFor(page, () => window.standin && window.standin.started, null, "the stand-in on a phone");
        await assertNoJump(page, "phone, portrait");
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
        await page.setViewportSize({ width: 844, height: 390 });
        await keepSent(page);
        await page.goto(origin + "/"); // a new visit: a reload would put back the scroll the taps made
        await waitFor(page, () => window.standin && window.standin.started, null, "the stand-in on a phone, landscape");
        await assertNoJump(page, "phone, landscape");
        check("phone: the page stays at the top, portrait and landscape");
    } finally {
        await phone.close();
        rmSync(phoneProfile, { recursive: true, force: true });
        server.close();
    }
    if (opts.sent) writeFileSync(opts.sent, JSON.stringify(sent));
    console.log(`all ${step} page checks passed`);
}

main().catch((error) => {
    console.error(`not ok - ${error.message}`);
    process.exit(1);
});
