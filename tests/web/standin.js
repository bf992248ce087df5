// Stand-in for pygbag's pythons.js in the page test: no Python, no WebAssembly.
// It plays the game's side of the bridge the way game/web.py does (polls window.catmouse.take(),
// answers with show/download/store) and records everything the page tells the game in window.standin.
// The test prepends `window.STANDIN_BRAINS = [...]` (the bundled brain names) when it serves this file.
"use strict";

(function () {
    const brains = window.STANDIN_BRAINS || ["lstm32_post.npz"];
    const record = { received: [], keys: [], started: false };
    window.standin = record;

    const status = {
        brain: brains[0],
        brains: brains,
        meta: { format_version: 1, architecture: "lstm", hidden_size: 32, teacher: "post", training_games: 200000,
            grid_sizes: [[6, 6], [8, 8]], heldout_mistakes_per_game: 0.41 },
        learning: false,
        teacher: "post",
        learn_speed: 3,
        agreement: null,
        step_ms: 0.08,
        update_ms: 0.0,
        message: "Stand-in runtime: the page is real, the game is not.",
        error: null,
    };

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

    function start() {
        drawArena();
        // like SDL: keys are read from the whole window
        window.addEventListener("keydown", (event) => {
            record.keys.push({ key: event.key, keyCode: event.keyCode, target: event.target.id || event.target.tagName });
        });
        window.catmouse.runtime_ready();
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

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
