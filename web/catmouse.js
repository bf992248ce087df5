// Cat & Mouse page: the panel around the canvas and the mailbox between page and game.
//
// window.catmouse is the only thing the game (game/browser/web.py, through pygbag's platform.window) sees:
//   take()                   -> JSON array of the commands queued since the last call (then empties it)
//   show(json)               <- status to render; keys left out keep their last value
//   download(name, base64)   <- save bytes to the player's disk
//   store(name, base64)      <- keep the brain in play in localStorage (within 2 s, at once on pagehide);
//                               empty/null clears it
//   loading(stage, detail)   <- the page's loader (Python in index.html) has reached a stage of the start
//   failed(stage, message)   <- the loader cannot go on; the page says which stage and what to try
//   runtime_ready()          <- the game is up: hide the loading banner (the game's first show() does it too)
//   runtime_error(event)     <- index.html's first error listeners hand over every uncaught error and rejection
// Only strings cross the bridge. The page pushes commands; the game polls a few times a second.
"use strict";

(function () {
    // pygbag 0.9.3's runtime, opened as http://localhost:8..., looks for numpy and pygame-ce on this
    // server (http://localhost:8000/cdn/), which has neither; as 127.0.0.1 it uses pygbag's CDN.
    if (location.hostname === "localhost") {
        location.replace(location.href.replace("//localhost", "//127.0.0.1"));
        return;
    }

    const STORAGE_KEY = "catmouse.brain";
    // The page protocol (game/browser/protocol.py), which build.sh writes into the site as protocol.js: the commands
    // and their fields, the teachers, the brain card's labels. The controls below are built from it.
    const PROTOCOL = window.catmouse_protocol ||
        { commands: {}, status: {}, teachers: [], cats: [], meta_labels: [] };
    if (!window.catmouse_protocol) console.error("catmouse: protocol.js is missing; the panel has no controls");
    const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // every .npz is a zip archive
    const SCROLL_KEYS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", " ", "Spacebar",
        "PageUp", "PageDown", "Home", "End"]);
    // The keys the on-screen pad presses: the arrows and the diagonals' Q E Z C, as the keyboard sends them.
    const KEY_CODES = { ArrowLeft: [37, "ArrowLeft"], ArrowUp: [38, "ArrowUp"], ArrowRight: [39, "ArrowRight"],
        ArrowDown: [40, "ArrowDown"], q: [81, "KeyQ"], e: [69, "KeyE"], z: [90, "KeyZ"], c: [67, "KeyC"] };

    const byId = (id) => document.getElementById(id);
    const mailbox = [];
    const status = {};

    // ---- bytes <-> base64 (chunked: String.fromCharCode has an argument limit) ----
    function bytesToBase64(bytes) {
        let text = "";
        for (let i = 0; i < bytes.length; i += 0x8000) {
            text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
        }
        return btoa(text);
    }

    function base64ToBytes(b64) {
        const text = atob(b64);
        const bytes = new Uint8Array(text.length);
        for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
        return bytes;
    }

    // ---- page -> game ----
    function send(command) {
        mailbox.push(command);
        if (command.type !== "restore" && command.type !== "screen" && pageError) setError("");
    }

    function take() {
        return JSON.stringify(mailbox.splice(0, mailbox.length));
    }

    function focusGame() {
        const canvas = byId("canvas");
        if (canvas) canvas.focus({ preventScroll: true });
    }

    // ---- game -> page ----
    // The error line shows the page's own complaint (about a file it refused) for a while, else the game's.
    const PAGE_ERROR_MS = 10000;
    let pageError = "";
    let pageErrorUntil = 0;

    function renderError() {
        const text = pageError && Date.now() < pageErrorUntil ? pageError : status.error || "";
        const line = byId("cm-error");
        line.textContent = text;
        line.hidden = !text;
    }

    function setError(text) {
        pageError = text || "";
        pageErrorUntil = Date.now() + PAGE_ERROR_MS;
        renderError();
        if (pageError) setTimeout(renderError, PAGE_ERROR_MS + 50);
    }

    function fmt(value, digits, unit) {
        if (typeof value !== "number" || !isFinite(value)) return "\u2013";
        return value.toFixed(digits) + (unit || "");
    }

    function percent(value) {
        return typeof value === "number" ? fmt(100 * value, 1, " %") : "\u2013";
    }

    // How the brain card shows a meta value, by the format protocol.META_LABELS gives it.
    const FORMATS = {
        text: (value) => describe(value),
        count: (value) => describe(value),
        decimal: (value) => (typeof value === "number" ? value.toFixed(3) : describe(value)),
        percent: percent,
        sizes: (value) => describe(value),
        task: (value) => {
            if (!value || typeof value !== "object") return describe(value);
            const cats = Array.isArray(value.cats) && value.cats.length ? " against " + value.cats.join(", ") : "";
            return `${value.name} ${value.width}\u00d7${value.height}${cats}`;
        },
    };

    function describe(value) {
        if (value === null || value === undefined) return "\u2013";
        if (Array.isArray(value) && value.length === 2 && value.every(Number.isInteger)) return value.join("\u00d7");
        if (Array.isArray(value)) return value.map(describe).join(", ");
        if (value && typeof value === "object") return JSON.stringify(value);
        if (typeof value === "number" && !Number.isInteger(value)) return value.toFixed(3);
        if (typeof value === "number") return value.toLocaleString("en");
        return String(value);
    }

    // The brain card: the meta keys protocol.META_LABELS names, in its order; a key the file leaves out or
    // sets to null (a figure that no longer applies to a tuned brain) gets no row.
    // The game sends its whole status every tick: the card is rebuilt only when the meta changes, so a
    // player can select and copy it.
    let shownMeta = null;
    function renderMeta(meta) {
        const text = JSON.stringify(meta === undefined ? null : meta);
        if (text === shownMeta) return;
        shownMeta = text;
        const list = byId("cm-meta");
        list.replaceChildren();
        if (!meta || typeof meta !== "object") return;
        for (const row of PROTOCOL.meta_labels) {
            const value = meta[row.key];
            if (value === null || value === undefined) continue;
            const term = document.createElement("dt");
            term.textContent = row.label;
            const detail = document.createElement("dd");
            const named = row.values && typeof value === "string" ? row.values[value] : undefined;
            detail.textContent = named || (FORMATS[row.format] || describe)(value);
            detail.dataset.meta = row.key;
            list.append(term, detail);
        }
    }

    // A group of choice buttons (teachers, bundled brains), each sending its command with its own value.
    function renderChoices(group, items) {
        const command = group.dataset.command;
        const have = Array.from(group.children).map((button) => button.getAttribute("data-" + command));
        if (items.map((item) => item.name).join("\n") !== have.join("\n")) {
            group.replaceChildren();
            for (const item of items) {
                const button = document.createElement("button");
                button.type = "button";
                button.setAttribute("data-" + command, item.name);
                button.setAttribute("aria-pressed", "false");
                button.textContent = item.label;
                if (item.title) button.title = item.title;
                button.addEventListener("click", () => send(message(command, () => item.name)));
                group.append(button);
            }
        }
        const current = status[(PROTOCOL.commands[command] || {}).shows];
        for (const button of group.children) {
            button.setAttribute("aria-pressed", String(button.getAttribute("data-" + command) === current));
        }
    }

    // A choice group's items: the protocol's list of that name (teachers), else the status field (brains).
    function choicesOf(group) {
        const source = group.dataset.choices;
        if (Array.isArray(PROTOCOL[source])) return PROTOCOL[source];
        const names = Array.isArray(status[source]) ? status[source].map(String) : [];
        return names.map((name) => ({ name: name, label: name.replace(/\.npz$/, ""), title: name }));
    }

    // Every control the template marks with data-command shows the status field its command declares.
    function renderControl(control, value) {
        if (control.dataset.choices !== undefined) return renderChoices(control, choicesOf(control));
        if (control.type === "checkbox") control.checked = Boolean(value);
        if (control.type === "range" && typeof value === "number") {
            if (document.activeElement !== control) control.value = String(value);
            const shown = document.querySelector(`output[for="${control.id}"]`);
            if (shown) shown.textContent = String(value);
        }
    }

    // A row of its own made after the agreement row (the learner's line, agreement's play twin), so the page's
    // template needs no change for it.
    function rowAfterAgreement(id, label) {
        let detail = byId(id);
        if (!detail) {
            const agreement = byId("cm-agreement");
            if (!agreement || !agreement.parentNode) return null;
            const term = document.createElement("dt");
            term.textContent = label;
            detail = document.createElement("dd");
            detail.id = id;
            agreement.after(term, detail);
        }
        return detail;
    }

    // The learner's line: what a tuned brain is, its held-out figure now, any fallback to the best weights.
    function renderLearningStatus(text) {
        const detail = rowAfterAgreement("cm-learning-status", "Held-out check");
        if (detail) detail.textContent = typeof text === "string" && text ? text : "\u2013";
    }

    function render(update) {
        if ("brain" in update) byId("cm-brain").textContent = update.brain || "\u2014";
        if ("meta" in update) renderMeta(update.meta);
        for (const control of document.querySelectorAll("[data-command]")) {
            const shows = (PROTOCOL.commands[control.dataset.command] || {}).shows;
            if ((shows && shows in update) || control.dataset.choices in update) renderControl(control, status[shows]);
        }
        if ("agreement" in update) {
            const agreement = update.agreement;
            byId("cm-agreement").textContent = percent(agreement);
        }
        if ("value_optimal" in update) {
            const detail = rowAfterAgreement("cm-value-optimal", "Value-optimal moves");
            if (detail) detail.textContent = percent(update.value_optimal);
        }
        if ("session" in update) {
            const detail = rowAfterAgreement("cm-session", "Your session against par");
            const line = update.session && typeof update.session.line === "string" ? update.session.line : "";
            if (detail) detail.textContent = line.replace(/^Session: /, "") || "\u2013";
        }
        if ("learning_status" in update) renderLearningStatus(update.learning_status);
        if ("step_ms" in update) byId("cm-step-ms").textContent = fmt(update.step_ms, 2, " ms");
        if ("update_ms" in update) byId("cm-update-ms").textContent = fmt(update.update_ms, 2, " ms");
        if ("message" in update) byId("cm-message").textContent = update.message || "";
        if ("error" in update) renderError();
    }

    let lastShown = "";

    function show(json) {
        if (json === lastShown) return; // the game may send the same status every frame
        lastShown = json;
        let update;
        try {
            update = JSON.parse(json);
        } catch (error) {
            console.error("catmouse.show: not JSON", error);
            return;
        }
        if (!update || typeof update !== "object") return;
        Object.assign(status, update);
        render(update);
        if (!load.done) runtimeReady(); // the game's first status comes with its first frame
    }

    function download(filename, b64) {
        const blob = new Blob([base64ToBytes(b64)], { type: "application/octet-stream" });
        const url = URL.createObjectURL(blob);
        const link = document.createElement("a");
        link.href = url;
        link.download = filename || "brain.npz";
        link.hidden = true;
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
    }

    function readStored() {
        try {
            const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
            if (saved && typeof saved.name === "string" && typeof saved.data === "string") return saved;
        } catch (error) {
            console.warn("catmouse: ignoring unreadable stored brain", error);
        }
        return null;
    }

    // The brain in play, as the game hands it over (Game.brain_to_keep, at most twice a second while it
    // changes): written to storage at most every KEEP_MS, and at once when the page is hidden or left, so a
    // reload or a closed tab loses nothing the game had handed over.
    const KEEP_MS = 2000;
    let pendingKeep = null;
    let keepTimer = 0;

    function writeKept() {
        clearTimeout(keepTimer);
        keepTimer = 0;
        if (!pendingKeep) return;
        const { name, b64 } = pendingKeep;
        pendingKeep = null;
        try {
            if (!name || !b64) {
                localStorage.removeItem(STORAGE_KEY);
            } else {
                localStorage.setItem(STORAGE_KEY, JSON.stringify({ name: name, data: b64, saved: Date.now() }));
            }
        } catch (error) {
            setError("This browser would not keep the brain (storage full or blocked): " + error.message);
        }
    }

    function store(name, b64) {
        pendingKeep = { name: name, b64: b64 };
        if (!keepTimer) keepTimer = setTimeout(writeKept, KEEP_MS);
    }

    window.addEventListener("pagehide", writeKept);
    document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "hidden") writeKept();
    });

    // ---- loading: from the first byte to the first frame ----
    // The stages in order; the loader in index.html names them (its test checks it uses only these).
    const STAGES = [
        { id: "runtime", label: "Python runtime (pygbag 0.9.3)",
            advice: "Check your connection to pygbag's CDN (pygame-web.github.io), then reload the page. " +
                "If it fails again, try another browser: the game needs WebAssembly." },
        { id: "archive", label: "Game files",
            advice: "Reload the page. If you host this copy, check that catmouse.tar.gz and catmouse.apk " +
                "sit beside index.html." },
        { id: "packages", label: "numpy and pygame-ce",
            advice: "Check your connection to pygbag's CDN (pygame-web.github.io), then reload the page." },
        { id: "game", label: "First frame",
            advice: "Reload the page. If it happens again, try another browser, or add #debug to the " +
                "address to see Python's console." },
    ];
    // A stage that shows no sign of progress for this long gets a message (it may still finish).
    const STALL_MS = 60000;
    const load = { stage: 0, began: Date.now(), stageBegan: Date.now(), lastProgress: Date.now(),
        durations: [], detail: "", failed: false, done: false, timer: 0 };

    function stageIndex(id) {
        return STAGES.findIndex((stage) => stage.id === id);
    }

    function seconds(ms) {
        return (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + " s";
    }

    function renderStages() {
        const list = byId("cm-stages");
        if (!list) return;
        if (list.children.length !== STAGES.length) {
            list.replaceChildren(...STAGES.map((stage) => {
                const item = document.createElement("li");
                item.dataset.stage = stage.id;
                item.append(document.createElement("span"), document.createElement("span"));
                item.firstChild.textContent = stage.label;
                item.lastChild.className = "time";
                return item;
            }));
        }
        const now = Date.now();
        STAGES.forEach((stage, i) => {
            const item = list.children[i];
            const state = i < load.stage || load.done ? "done" : i > load.stage ? "waiting"
                : load.failed ? "failed" : "active";
            item.className = state;
            item.lastChild.textContent = state === "done" ? seconds(load.durations[i] || 0)
                : state === "waiting" ? "" : seconds(load.failed ? load.durations[i] : now - load.stageBegan);
        });
        byId("cm-stage-detail").textContent = load.detail;
    }

    function showProblem(text) {
        const line = byId("cm-load-problem");
        line.textContent = text;
        line.hidden = !text;
        byId("transfer").classList.toggle("stuck", Boolean(text));
        byId("frame").classList.toggle("tall", Boolean(text)); // room for the message on a phone
    }

    function progressed() {
        load.lastProgress = Date.now();
        if (!load.failed) showProblem("");
    }

    function enterStage(index, detail) {
        if (load.done || load.failed || index < load.stage) return;
        const now = Date.now();
        while (load.stage < index) {
            load.durations[load.stage] = now - load.stageBegan;
            load.stageBegan = now;
            load.stage += 1;
        }
        if (typeof detail === "string") load.detail = detail;
        progressed();
        renderStages();
    }

    function loading(id, detail) {
        const index = stageIndex(String(id));
        if (index < 0) return console.warn("catmouse.loading: unknown stage", id);
        console.info(`catmouse: ${id}: ${detail || ""} (${seconds(Date.now() - load.began)} after the page)`);
        enterStage(index, detail ? String(detail) : "");
    }

    function failed(id, message) {
        if (load.done || load.failed) return; // the first failure is the one to fix
        const index = Math.max(stageIndex(String(id)), load.stage);
        enterStage(index, "");
        load.failed = true;
        load.durations[load.stage] = Date.now() - load.stageBegan;
        clearInterval(load.timer);
        byId("transfer").classList.add("failed");
        byId("transfer").querySelector(".loading-title").textContent = "Cat & Mouse could not start";
        const stage = STAGES[load.stage];
        console.error(`catmouse: start failed at ${stage.id}: ${message}`);
        showProblem(`The game could not start: ${stage.label} failed` + (message ? ` (${message})` : "") +
            `. ${stage.advice}`);
        renderStages();
    }

    function checkStall() {
        renderStages();
        if (load.done || load.failed) return;
        const quiet = Date.now() - load.lastProgress;
        if (quiet >= STALL_MS) {
            const stage = STAGES[load.stage];
            showProblem(`${stage.label}: no progress for ${seconds(quiet)}. ${stage.advice}`);
        }
    }

    function runtimeReady() {
        if (!load.done) {
            enterStage(STAGES.length - 1);
            load.durations[load.stage] = Date.now() - load.stageBegan;
            load.done = true;
            clearInterval(load.timer);
            showProblem("");
            renderStages();
            const parts = STAGES.map((stage, i) => `${stage.id} ${seconds(load.durations[i] || 0)}`);
            console.info(`catmouse: first frame ${seconds(Date.now() - load.began)} after the page (${parts.join(", ")})`);
        }
        const banner = byId("transfer");
        if (banner) banner.hidden = true;
        for (const id of ["cm-panel", "cm-dpad"]) byId(id).inert = false; // the game now reads what they send
        document.body.classList.add("running");
        focusGame();
    }

    // How 0.9.3's runtime fails to start: a script that does not load (pythons.js, main.js), emscripten's
    // data loader throwing "<status text> : <url of main.data>" or "NetworkError for: ...", and an abort
    // ("Aborted(...)", a rejected promise) when main.wasm does not come.
    const RUNTIME_TROUBLE = /Aborted\(|NetworkError for:|main\.(data|wasm)\b/;

    function runtimeError(event) {
        if (load.done) return;
        const element = event.target;
        let text = "";
        if (element && element !== window && element.tagName === "SCRIPT") {
            text = "could not download " + element.src;
        } else {
            const reason = event.type === "unhandledrejection" ? event.reason : event.error;
            text = String((reason && reason.message) || event.message || reason || "");
            if (!RUNTIME_TROUBLE.test(text)) return;
        }
        if (!load.failed) failed(STAGES[load.stage].id, text.replace(/\.? Build with -sASSERTIONS.*$/, ""));
        // The page says it in place; pythons.js's own error listeners would say it again in an alert().
        event.stopImmediatePropagation();
    }

    // What the runtime shows of its own download: emscripten's status line and bar, any file arriving.
    function watchRuntime() {
        const seen = new MutationObserver(progressed);
        seen.observe(byId("status"), { childList: true, characterData: true, subtree: true });
        seen.observe(byId("progress"), { attributes: true });
        if (window.PerformanceObserver) {
            try {
                new PerformanceObserver(progressed).observe({ type: "resource", buffered: false });
            } catch (error) {
                console.warn("catmouse: no resource timing", error);
            }
        }
        load.timer = setInterval(checkStall, 1000);
        renderStages();
    }

    // pygbag 0.9.3's pythons.js scrolls the window to y = 1080 right after the page loads (to hide a phone's
    // address bar): that would leave the header, the top of the arena and the brain list off-screen.
    const scrollToFirst = window.scrollTo;
    window.scrollTo = function (x, y) {
        const top = x && typeof x === "object" ? x.top : y;
        if (top === 1080) {
            console.info("catmouse: the page stays where it is (the runtime asked to scroll to y = 1080)");
            return undefined;
        }
        return scrollToFirst.apply(window, arguments);
    };

    // ---- the panel: each element the template marks data-command="name" sends that command ----
    // The message a control sends: the command and, for each field protocol.COMMANDS gives it, the value the
    // control supplies for that field (valueOf(fieldName, field)).
    function message(command, valueOf) {
        const spec = PROTOCOL.commands[command];
        if (!spec) throw new Error(`catmouse: the page has a control for "${command}", which the game has no command for`);
        const result = { type: command };
        for (const [name, field] of Object.entries(spec.fields)) result[name] = valueOf(name, field);
        return result;
    }

    const fieldOf = (command, type) => Object.values((PROTOCOL.commands[command] || {}).fields || {})
        .find((field) => field.type === type) || {};

    // keeps: what stays when the file is refused (the control's data-keeps, else the mouse's brain)
    function loadOwnBrain(file, command, keeps) {
        if (!file) return;
        if (!/\.npz$/i.test(file.name)) {
            setError(file.name + ": not a brain file (expected a .npz file); " + keeps + ".");
            return;
        }
        const limit = fieldOf(command, "base64").max_bytes;
        if (file.size > limit) {
            setError(file.name + ": " + (file.size / 1048576).toFixed(1) + " MB is too big for a brain file (at most " +
                (limit / 1048576).toFixed(0) + " MB); " + keeps + ".");
            return;
        }
        file.arrayBuffer().then((buffer) => {
            const bytes = new Uint8Array(buffer);
            if (bytes.length < 4 || ZIP_MAGIC.some((b, i) => bytes[i] !== b)) {
                setError(file.name + ": not a brain file (a .npz is a zip archive, this is not); " + keeps + ".");
                return;
            }
            setError("");
            byId("cm-message").textContent = "Loading " + file.name + "\u2026";
            send(message(command, (name, field) => (field.type === "base64" ? bytesToBase64(bytes) : file.name)));
        }, (error) => setError(file.name + ": could not be read (" + error.message + ")"));
    }

    // What the page itself does before sending a command (reset: forget the brain kept in this browser).
    const BEFORE_SENDING = { reset: () => { store(null, null); writeKept(); } };

    function wireControl(control) {
        const command = control.dataset.command;
        const before = BEFORE_SENDING[command] || (() => undefined);
        if (control.dataset.choices !== undefined) return renderChoices(control, choicesOf(control));
        if (control.type === "file") {
            control.addEventListener("change", () => {
                loadOwnBrain(control.files[0], command, control.dataset.keeps || "the mouse keeps its brain");
                control.value = ""; // picking the same file again still fires
                focusGame();
            });
        } else if (control.type === "checkbox") {
            control.addEventListener("change", () => send(message(command, () => control.checked)));
        } else if (control.type === "range") {
            const bounds = fieldOf(command, "whole");
            control.min = String(bounds.min);
            control.max = String(bounds.max);
            const shown = document.querySelector(`output[for="${control.id}"]`);
            control.addEventListener("input", () => { if (shown) shown.textContent = control.value; });
            control.addEventListener("change", () => send(message(command, () => Number(control.value))));
        } else {
            control.addEventListener("click", () => {
                before();
                send(message(command, () => undefined));
            });
        }
        return undefined;
    }

    function wirePanel() {
        for (const control of document.querySelectorAll("[data-command]")) wireControl(control);

        // After any click in the panel the keyboard belongs to the game again. Pointer clicks only:
        // a file dialog must not lose its opener before it opens.
        byId("cm-panel").addEventListener("click", (event) => {
            if (event.target.closest("label.file, #cm-upload")) return;
            setTimeout(focusGame, 0);
        });
        byId("cm-panel").addEventListener("change", () => setTimeout(focusGame, 0));
        byId("frame").addEventListener("pointerdown", () => focusGame());
    }

    // The room the canvas has, in CSS pixels: the column's width (less the pad's, where the pad stands beside
    // it: a phone on its side) and the window's height below the frame's top.
    function canvasRoom() {
        const frame = byId("frame");
        const stage = frame.parentElement;
        const beside = getComputedStyle(stage).getPropertyValue("--pad-beside").trim() === "1";
        const pad = byId("cm-dpad");
        const border = frame.offsetWidth - frame.clientWidth;
        const gap = beside ? parseFloat(getComputedStyle(stage).columnGap) || 0 : 0;
        const width = stage.clientWidth - border - (beside ? pad.offsetWidth + gap : 0);
        const top = frame.getBoundingClientRect().top + window.scrollY;
        const margin = matchMedia("(pointer: coarse)").matches ? 6 : 40;
        const height = window.innerHeight - top - margin - border;
        return [Math.floor(Math.max(120, width)), Math.floor(Math.max(240, height))];
    }

    // Scale the canvas to the room it has (the game sizes it to that room, in device pixels: crisp at 1:1).
    function fitCanvas() {
        const canvas = byId("canvas");
        const frame = byId("frame");
        if (!canvas.width || !canvas.height) return;
        const [, height] = canvasRoom();
        frame.style.maxWidth = Math.floor(height * canvas.width / canvas.height) + "px";
    }

    // The game picks its layout and its canvas's size from the room the page gives it (protocol "screen").
    let roomSent = "";
    function tellRoom() {
        const [width, height] = canvasRoom();
        const dpr = Math.round(Math.min(8, Math.max(0.25, window.devicePixelRatio || 1)) * 100) / 100;
        const said = `${width}x${height}@${dpr}`;
        if (said === roomSent) return;
        roomSent = said;
        send({ type: "screen", width: Math.min(8192, width), height: Math.min(8192, height), dpr: dpr });
    }

    let roomTimer = 0;
    function roomChanged() {
        fitCanvas();
        clearTimeout(roomTimer);
        roomTimer = setTimeout(tellRoom, 120); // once a drag or a rotation settles
    }

    function wireFit() {
        new MutationObserver(fitCanvas).observe(byId("canvas"), { attributes: true, attributeFilter: ["width", "height"] });
        window.addEventListener("resize", roomChanged);
        window.addEventListener("orientationchange", roomChanged);
        fitCanvas();
        tellRoom();
    }

    // The on-screen pad (touch screens) presses the same keys the keyboard does: arrows and Q E Z C.
    function pressKey(key, type) {
        const [keyCode, code] = KEY_CODES[key];
        const init = { key: key, code: code, bubbles: true, cancelable: true };
        const event = new KeyboardEvent(type, init);
        for (const name of ["keyCode", "which"]) {
            Object.defineProperty(event, name, { get: () => keyCode });
        }
        byId("canvas").dispatchEvent(event);
    }

    function wirePad() {
        for (const button of document.querySelectorAll("#cm-dpad [data-key]")) {
            const key = button.dataset.key;
            let down = false;
            const release = () => {
                if (down) pressKey(key, "keyup");
                down = false;
            };
            button.addEventListener("pointerdown", (event) => {
                event.preventDefault();
                focusGame();
                down = true;
                pressKey(key, "keydown");
            });
            button.addEventListener("pointerup", release);
            button.addEventListener("pointerleave", release);
            button.addEventListener("pointercancel", release);
        }
    }

    // Arrow keys and space drive the game, never scroll the page.
    window.addEventListener("keydown", (event) => {
        if (SCROLL_KEYS.has(event.key)) event.preventDefault();
    }, { capture: true });

    // pygbag's runtime calls this once its own page features are set up; show its console with #debug.
    window.custom_onload = function (debugHidden) {
        byId("pyconsole").hidden = debugHidden;
    };

    window.catmouse = {
        mailbox: mailbox,
        status: status,
        take: take,
        show: show,
        download: download,
        store: store,
        loading: loading,
        failed: failed,
        runtime_ready: runtimeReady,
        runtime_error: runtimeError,
    };

    watchRuntime();
    for (const event of (window.catmouse_early || []).splice(0)) runtimeError(event);
    wirePanel();
    wirePad();
    const saved = readStored();
    if (saved) send({ type: "restore", name: saved.name, data: saved.data });
    wireFit(); // after the restore: the brain kept in this browser is the first thing the game hears of
    focusGame();
})();
