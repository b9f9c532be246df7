/// The draw-a-digit page: one self-contained HTML file (no external scripts, works offline).
/// As you draw, it posts the canvas to `/api/predict` (at most one request in flight; the
/// latest drawing is sent when the answer comes back) and shows the answer, the ten
/// probabilities, the digit as the network received it, and every stage's feature maps.
enum DigitPage {
    static func html(model: String) -> String {
        template.replacingOccurrences(of: "{{MODEL}}", with: model)
    }

    private static let template = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>swift-lenet: draw a digit</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; background: #fafafa; }
  h1 { font-size: 1.3em; margin: 0 0 .2em; }
  .row { display: flex; gap: 2em; flex-wrap: wrap; align-items: flex-start; }
  #pad { border: 1px solid #888; background: #fff; touch-action: none; cursor: crosshair; }
  #digit { font-size: 5em; font-weight: bold; line-height: 1; min-width: 1ch; }
  .bar { display: flex; align-items: center; gap: .4em; font-family: monospace; }
  .bar div { background: #3a6ea5; height: .9em; }
  .stage { margin: .6em 0; }
  .stage h3 { font-size: .9em; margin: .2em 0; font-weight: normal; }
  .stage canvas { image-rendering: pixelated; margin: 1px; border: 1px solid #ccc; }
  #error { color: #b00; }
  button { font-size: 1em; }
</style>
</head>
<body>
<h1>Draw a digit for <code>{{MODEL}}</code></h1>
<p>Draw one digit with the mouse (or a finger) in the box. The network reads it as you draw.</p>
<div class="row">
  <div>
    <canvas id="pad" width="280" height="280"></canvas><br>
    <button id="clear">Clear</button>
  </div>
  <div>
    <div>prediction</div>
    <div id="digit">-</div>
    <div id="bars"></div>
    <div>what the network saw (28x28)</div>
    <canvas id="input" width="28" height="28" style="width:84px;height:84px;image-rendering:pixelated;border:1px solid #ccc"></canvas>
    <div id="error"></div>
  </div>
</div>
<h2 style="font-size:1.1em">Feature maps, layer by layer</h2>
<div id="stages"></div>
<script>
"use strict";
const pad = document.getElementById("pad"), ctx = pad.getContext("2d");
const small = document.createElement("canvas"); small.width = small.height = 140;
let drawing = false, last = null, inFlight = false, dirty = false, strokes = 0;

function clearPad() {
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, pad.width, pad.height);
  strokes = 0;
  document.getElementById("digit").textContent = "-";
  document.getElementById("bars").innerHTML = "";
  document.getElementById("stages").innerHTML = "";
  document.getElementById("error").textContent = "";
}
function point(e) { const r = pad.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }
function line(a, b) {
  ctx.strokeStyle = "#000"; ctx.lineWidth = 20; ctx.lineCap = ctx.lineJoin = "round";
  ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
}
pad.addEventListener("pointerdown", e => { drawing = true; last = point(e); line(last, last); strokes++; pad.setPointerCapture(e.pointerId); send(); });
pad.addEventListener("pointermove", e => { if (!drawing) return; const p = point(e); line(last, p); last = p; send(); });
for (const ev of ["pointerup", "pointercancel"]) pad.addEventListener(ev, () => { if (drawing) { drawing = false; send(); } });
document.getElementById("clear").addEventListener("click", clearPad);

function pixels() {
  const s = small.getContext("2d");
  s.drawImage(pad, 0, 0, small.width, small.height);
  const rgba = s.getImageData(0, 0, small.width, small.height).data, out = new Array(small.width * small.height);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]);
  return out;
}
async function send() {
  if (strokes === 0) return;
  if (inFlight) { dirty = true; return; }
  inFlight = true; dirty = false;
  try {
    const r = await fetch("/api/predict", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ pixels: pixels(), width: small.width, height: small.height }) });
    const answer = await r.json();
    if (!r.ok) { document.getElementById("error").textContent = answer.error; }
    else { document.getElementById("error").textContent = ""; show(answer); }
  } catch (err) { document.getElementById("error").textContent = String(err); }
  inFlight = false;
  if (dirty) send();
}

function show(a) {
  document.getElementById("digit").textContent = a.digit;
  document.getElementById("bars").innerHTML = a.probabilities.map((p, d) =>
    `<div class="bar"><span>${d}</span><div style="width:${Math.round(150 * p)}px"></div><span>${(100 * p).toFixed(1)}%</span></div>`).join("");
  paint(document.getElementById("input"), a.input, 28, 28, 0, 255);
  const stages = document.getElementById("stages");
  stages.innerHTML = "";
  for (const s of a.stages) {
    const div = document.createElement("div"); div.className = "stage";
    const lo = Math.min(...s.values), hi = Math.max(...s.values);
    div.innerHTML = `<h3><b>${s.name}</b> ${s.channels}@${s.height}x${s.width} (black ${lo.toFixed(2)}, white ${hi.toFixed(2)})</h3>`;
    const size = s.height * s.width;
    if (size === 1) {
      const c = document.createElement("canvas"); c.width = s.channels; c.height = 1;
      c.style.width = s.channels * Math.max(6, Math.min(24, Math.floor(720 / s.channels))) + "px"; c.style.height = "18px";
      paint(c, s.values, s.channels, 1, lo, hi); div.appendChild(c);
    } else {
      const zoom = Math.max(2, Math.round(56 / s.width));
      for (let m = 0; m < s.channels; m++) {
        const c = document.createElement("canvas"); c.width = s.width; c.height = s.height;
        c.style.width = zoom * s.width + "px"; c.style.height = zoom * s.height + "px";
        paint(c, s.values.slice(m * size, (m + 1) * size), s.width, s.height, lo, hi); div.appendChild(c);
      }
    }
    stages.appendChild(div);
  }
}
function paint(canvas, values, w, h, lo, hi) {
  const g = canvas.getContext("2d"), img = g.createImageData(w, h), span = hi - lo || 1;
  for (let i = 0; i < w * h; i++) {
    const v = Math.round(255 * (values[i] - lo) / span);
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v; img.data[4 * i + 3] = 255;
  }
  g.putImageData(img, 0, 0);
}
clearPad();
</script>
</body>
</html>
"""#
}
