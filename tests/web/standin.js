// Stand-in for pygbag 0.9.3's pythons.js in the page test: no Python, no WebAssembly.
// Where it matters to the page it behaves as 0.9.3's pythons.js does (read from the CDN's 0.9.3/pythons.js):
//   - an uncaught error in the page pops an alert ("error" listener on window);
//   - nothing starts before the window's load event (auto_start adds onload as a load listener);
//   - onload: window focus/blur handlers that focus the canvas (feat_lifecycle), custom_onload(debug_hidden),
//     then setTimeout(scrollTo({left: 0, top: 1080}), 1), then main.js is loaded;
//   - emscripten's setStatus writes "Downloading data... (x/y)" into #status and #progress while main.data
//     arrives, then "Running...", then clears both (vm.setStatus in pythons.js, calls in cpython312/main.js);
//   - then the page's loader runs. Its calls on window.catmouse are replayed from a recording of the real
//     loader (the Python in index.html) run against tests/fake_pygbag.py: the test prepends them as
//     window.STANDIN_LOADER_CALLS; window.STANDIN_STOP_AT stops the replay at that stage (a stall);
//   - with window.STANDIN_NO_WASM, main.js fails as it does when main.data and main.wasm answer 404: an
//     uncaught Error for main.data, then a rejected promise "Aborted(...)" for main.wasm;
//   - the game's first status and frame come only after the loader handed main.py over (after numpy's
//     install): nothing calls runtime_ready() for the page.
// Then it plays the game's side of the bridge the way game/web.py does (polls window.catmouse.take(),
// answers with show/download/store) and records everything the page tells the game in window.standin.
// The test also prepends `window.STANDIN_BRAINS = [...]` (the bundled brain names).
"use strict";

(function () {
    const brains = window.STANDIN_BRAINS || ["lstm32_post.npz"];
    const cats = window.STANDIN_CATS || ["you", "perfect"];
    const loaderCalls = window.STANDIN_LOADER_CALLS || [];
    const record = { received: [], keys: [], started: false, scrollAsked: 0, alerts: [], events: [] };
    window.standin = record;
    const note = (what) => record.events.push(what);

    window.addEventListener("error", (event) => {
        record.alerts.push(String(event.error && event.error.message));
        alert("Error occurred: " + (event.error && event.error.message));
        return false;
    });
    window.addEventListener("unhandledrejection", (event) => {
        record.alerts.push(String(event.reason && event.reason.message));
        alert("Rejection occurred: " + (event.reason && event.reason.message));
    });

    const status = {
        brain: brains[0],
        brains: brains,
        meta: { format_version: 1, architecture: "lstm", hidden_size: 32, teacher: "post", training_games: 200000,
            grid_sizes: [[6, 6], [8, 8]], heldout_mistakes_per_game: 0.41 },
        sight: "classic",
        room: "open",
        learning: false,
        teacher: "post",
        learn_speed: 3,
        agreement: null,
        step_ms: 0.08,
        update_ms: 0.0,
        message: "Stand-in runtime: the page is real, the game is not.",
        error: null,
        cat: cats[0],
        cats: cats,
    };

    record.status = status; // the game's state: the test may put another brain in it, as a load would

    const send = (update) => {
        Object.assign(status, update);
        window.catmouse.show(JSON.stringify(update));
    };
    const b64 = (text) => btoa(text);
    const bytesOf = (data) => Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    // A zip (and so an .npz) ends with an end-of-central-directory record: "PK\x05\x06".
    const looksLikeZip = (bytes) => {
        for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
            if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 5 && bytes[i + 3] === 6) return true;
        }
        return false;
    };

    function react(command) {
        record.received.push(command);
        switch (command.type) {
            case "learn":
                send({ learning: command.on, agreement: command.on ? 0.9 : null,
                       learning_status: command.on ? "held-out 99.7% now · fell back to the best weights once" : "" });
                if (command.on) {
                    // the real game stores the fine-tuned brain as it learns
                    window.catmouse.store(status.brain.replace(/\.npz$/, "-tuned.npz"), b64("tuned " + status.brain));
                }
                break;
            case "teacher":
                send({ teacher: command.name });
                break;
            case "sight":
                send({ sight: command.name, message: command.name + " sight" });
                break;
            case "room":
                send({ room: command.name, message: "room " + command.name });
                break;
            case "learn_speed":
                send({ learn_speed: command.value });
                break;
            case "brain":
                send({ brain: command.name, error: "", message: "Loaded " + command.name });
                break;
            case "upload":
            case "restore":
                if (looksLikeZip(bytesOf(command.data))) {
                    send({ brain: command.name, error: null, message: "Loaded " + command.name });
                } else {
                    send({ error: command.name + ": not a readable .npz (broken zip); the mouse keeps its brain" });
                }
                break;
            case "cat":
                send({ cat: command.name, message: command.name === "you" ? "you are the cat" :
                    "watching " + command.name });
                break;
            case "cat_upload":
                if (looksLikeZip(bytesOf(command.data))) {
                    const names = status.cats.includes(command.name) ? status.cats : [...status.cats, command.name];
                    send({ cat: command.name, cats: names, error: null, message: "watching " + command.name });
                } else {
                    send({ error: command.name + ": not a readable .npz (broken zip); the cat stays as it is" });
                }
                break;
            case "download":
                window.catmouse.download(status.brain, b64("brain bytes of " + status.brain));
                break;
            case "reset":
                window.catmouse.store("", "");
                send({ brain: brains[0], learning: false, error: null, message: "Back to the pretrained brain" });
                break;
        }
    }

    function drawArena() {
        // what SDL would do: the game owns the canvas's pixel size
        const canvas = document.getElementById("canvas");
        canvas.width = 640;
        canvas.height = 480;
        const ctx = canvas.getContext("2d");
        ctx.fillStyle = "#1d232c";
        ctx.fillRect(0, 0, 640, 480);
        const cell = 70, left = 110, top = 30;
        for (let x = 0; x < 6; x++) {
            for (let y = 0; y < 6; y++) {
                ctx.fillStyle = (x + y) % 2 ? "#2a323e" : "#262d38";
                ctx.fillRect(left + x * cell, top + y * cell, cell - 2, cell - 2);
            }
        }
        const animal = (cx, cy, colour, pointedEars) => {
            ctx.fillStyle = colour;
            if (pointedEars) {
                for (const side of [-1, 1]) {
                    ctx.beginPath();
                    ctx.moveTo(cx + side * 22, cy - 4);
                    ctx.lineTo(cx + side * 18, cy - 30);
                    ctx.lineTo(cx + side * 4, cy - 16);
                    ctx.fill();
                }
            } else {
                for (const side of [-1, 1]) {
                    ctx.beginPath();
                    ctx.arc(cx + side * 14, cy - 16, 9, 0, 2 * Math.PI);
                    ctx.fill();
                }
            }
            ctx.beginPath();
            ctx.arc(cx, cy, pointedEars ? 22 : 17, 0, 2 * Math.PI);
            ctx.fill();
            ctx.fillStyle = "#111";
            for (const side of [-1, 1]) {
                ctx.beginPath();
                ctx.arc(cx + side * 7, cy - 3, 3, 0, 2 * Math.PI);
                ctx.fill();
            }
        };
        animal(left + 1.5 * cell - 1, top + 3.5 * cell, "#f2a65a", true);
        animal(left + 4.5 * cell - 1, top + 1.5 * cell, "#c0c6ce", false);
        ctx.textAlign = "center";
        ctx.fillStyle = "#9aa3b2";
        ctx.font = "14px sans-serif";
        ctx.fillText("stand-in runtime (test): no Python here", 320, 462);
    }

    const wait = (ms) => new Promise((done) => setTimeout(done, ms));

    function setStatus(text) {
        // what vm.setStatus does with the page's #status and #progress
        const line = document.getElementById("status") || {};
        const bar = document.getElementById("progress") || {};
        const m = text.match(/([^(]+)\((\d+(\.\d+)?)\/(\d+)\)/);
        if (m) {
            bar.value = (parseInt(m[2]) / parseInt(m[4])) * 100;
            bar.hidden = false;
            line.innerHTML = m[1];
        } else {
            bar.value = null;
            bar.max = null;
            bar.hidden = true;
            line.innerHTML = text;
        }
    }

    function focusCanvas(event) {
        // feat_lifecycle's focus_handler: a window focus gives the canvas the focus (no preventScroll)
        if (event.type === "focus" && window.canvas) window.canvas.focus();
    }

    async function onload() {
        note("onload");
        window.addEventListener("focus", focusCanvas);
        window.addEventListener("blur", focusCanvas);
        if (window.custom_onload) window.custom_onload(!/#debug/.test(location.hash));
        setTimeout(() => {
            record.scrollAsked += 1;
            window.scrollTo({ left: 0, top: 1080, behaviour: "instant" });
        }, 1);
        note("main.js");
        if (window.STANDIN_NO_WASM) {
            // what main.js does when main.data and main.wasm answer 404 (seen with the real files, by hand)
            const base = new URL("cpython312/", document.getElementById("site").src).href;
            setTimeout(() => { throw new Error("Not Found : " + base + "main.data"); }, 10);
            setTimeout(() => Promise.reject(new Error("Aborted(both async and sync fetching of the wasm failed). " +
                "Build with -sASSERTIONS for more info.")), 20);
            return note("no wasm");
        }
        const total = 6665597; // main.data's size in 0.9.3's cpython312/main.js
        for (let loaded = 0; loaded <= total; loaded += total / 5) {
            setStatus(`Downloading data... (${Math.round(loaded)}/${total})`);
            await wait(60);
        }
        setStatus("Running...");
        setTimeout(() => setStatus(""), 1);
        await wait(50);
        note("loader");
        for (const [method, stage, detail] of loaderCalls) {
            if (stage === window.STANDIN_STOP_AT) {
                window.catmouse[method](stage, detail);
                note("stalled at " + stage);
                return;
            }
            window.catmouse[method](stage, detail);
            if (method === "failed") return note("failed at " + stage);
            await wait(stage === "packages" ? 900 : 120); // numpy's download and install is the long wait
        }
        await wait(100); // main.py runs on the runtime's next turns
        start();
    }

    function start() {
        note("game");
        drawArena();
        // like SDL: keys are read from the whole window
        window.addEventListener("keydown", (event) => {
            record.keys.push({ key: event.key, keyCode: event.keyCode, target: event.target.id || event.target.tagName });
        });
        send(status);
        record.started = true;
        // like the game (game/app.py): the whole status again every tick, with timings that move
        let tick = 0;
        setInterval(() => {
            for (const command of JSON.parse(window.catmouse.take())) react(command);
            tick += 1;
            send({ ...status, step_ms: 0.08 + (tick % 3) * 0.001 });
        }, 100);
    }

    window.addEventListener("load", onload);
})();
