// Opens genart's exports in the tools people use, for the tests (tests/players.py runs it):
//   node play.cjs validate FILE                       → the glTF Validator's report (JSON) on stdout
//   node play.cjs lottie|smil JOB.json                 → screenshots of a Lottie (lottie-web, its SVG
//       renderer, paused with goToAndStop(t * 1000)) or an animated SVG (SMIL, paused with
//       setCurrentTime(t)) at each time, in headless Chromium driven by puppeteer-core.
// JOB.json: {"file", "times": [seconds], "width", "height", "chromium", "prefix"}: writes PREFIX<k>.png.
// Modules come from NODE_PATH (tools/node-env.sh's node_modules).
"use strict";
const fs = require("fs");
const path = require("path");

async function validate(file) {
  const validator = require("gltf-validator");
  const report = await validator.validateBytes(new Uint8Array(fs.readFileSync(file)), { maxIssues: 0 });
  process.stdout.write(JSON.stringify(report));
}

async function play(kind, job) {
  const puppeteer = require("puppeteer-core");
  const browser = await puppeteer.launch({
    executablePath: job.chromium, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1"],
  });
  try {
    const page = await browser.newPage();
    const failures = [];
    page.on("pageerror", (error) => failures.push(String(error)));
    await page.setViewport({ width: job.width, height: job.height, deviceScaleFactor: 1 });
    const box = `width:${job.width}px;height:${job.height}px`;
    if (kind === "lottie") {
      await page.setContent(`<html><body style="margin:0"><div id="player" style="${box}"></div></body></html>`);
      await page.addScriptTag({ path: require.resolve("lottie-web/build/player/lottie.min.js") });
      const data = fs.readFileSync(job.file, "utf8");
      await page.evaluate((text) => new Promise((resolve) => {
        window.animation = lottie.loadAnimation({
          container: document.getElementById("player"), renderer: "svg", loop: false, autoplay: false,
          animationData: JSON.parse(text),
        });
        if (window.animation.isLoaded) resolve();
        else window.animation.addEventListener("DOMLoaded", resolve);
      }), data);
    } else {
      const svg = fs.readFileSync(job.file, "utf8");
      await page.setContent(`<html><body style="margin:0"><div id="player" style="${box}">${svg}</div></body></html>`);
      await page.evaluate(() => document.querySelector("svg").pauseAnimations());
    }
    for (let k = 0; k < job.times.length; k++) {
      const t = job.times[k];
      await page.evaluate((seconds, isLottie) => new Promise((resolve) => {
        if (isLottie) window.animation.goToAndStop(seconds * 1000, false);
        else document.querySelector("svg").setCurrentTime(seconds);
        requestAnimationFrame(() => requestAnimationFrame(resolve));
      }), t, kind === "lottie");
      await page.screenshot({ path: `${job.prefix}${k}.png`, clip: { x: 0, y: 0, width: job.width, height: job.height } });
    }
    if (failures.length) throw new Error(`the page failed: ${failures.join("; ")}`);
  } finally {
    await browser.close();
  }
}

async function main() {
  const [kind, argument] = process.argv.slice(2);
  if (kind === "validate") await validate(argument);
  else if (kind === "lottie" || kind === "smil") await play(kind, JSON.parse(fs.readFileSync(argument, "utf8")));
  else throw new Error(`usage: node ${path.basename(__filename)} validate FILE | lottie JOB.json | smil JOB.json`);
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
