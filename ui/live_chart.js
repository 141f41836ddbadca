// The live training chart: loss and accuracy side by side on one canvas, redrawn every 2 s while a run trains.
// Why not Plotly here: with the browser on the same 2 cores as training, Plotly's redraw took about 0.14 s of
// the browser's CPU each time, and the run lost that time; a canvas redraw takes a few milliseconds.
// A finished run gets the interactive Plotly chart (hover, zoom) instead.

// Round tick values (1, 2, 2.5 or 5 times a power of ten) from 0 to at least `high`.
function ticks(high, count) {
  const raw = high / count, power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw) * power, out = [];
  for (let i = 0; i * step <= high * (1 + 1e-9); i++) out.push(+(i * step).toFixed(10));
  return out;
}

function finite(values) {
  return values.filter((v) => v !== null && Number.isFinite(v));
}

function drawPanel(ctx, box, data, panel, text, font) {
  const { x, y, w, h } = box;
  const xHigh = Math.max(1, ...data.train_epochs, ...data.validation_epochs);
  const yHigh = panel.percent ? 1 : Math.max(0.1, ...finite(panel.train.concat(panel.validation))) * 1.05;
  const px = (v) => x + (v / xHigh) * w, py = (v) => y + h - (v / yHigh) * h;
  ctx.fillStyle = text; ctx.strokeStyle = "rgba(128, 128, 128, 0.25)"; ctx.lineWidth = 1;
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  const xTicks = Math.min(5, Math.max(2, Math.floor(w / 60)));  // labels never overlap in a narrow column
  for (const t of ticks(xHigh, xTicks)) ctx.fillText(String(t), px(t), y + h + 5);
  ctx.fillText("epoch", x + w / 2, y + h + 22);
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  for (const t of ticks(yHigh, 5)) {
    ctx.beginPath(); ctx.moveTo(x, py(t)); ctx.lineTo(x + w, py(t)); ctx.stroke();
    ctx.fillText(panel.percent ? Math.round(t * 100) + "%" : String(t), x - 6, py(t));
  }
  ctx.textAlign = "center"; ctx.textBaseline = "bottom"; ctx.font = `15px ${font}`;
  const title = ctx.measureText(panel.title).width > w + 40 ? panel.title.split(" (")[0] : panel.title;
  ctx.fillText(title, x + w / 2, y - 10); ctx.font = `13px ${font}`;
  const [training, validation] = data.legend;
  curve(ctx, data.train_epochs, panel.train, px, py, training.colour, false);
  curve(ctx, data.validation_epochs, panel.validation, px, py, validation.colour, true);
}

// A line through the points (a gap where a value is missing, e.g. a loss that overflowed); dots on
// validation points and on a lone first point.
function curve(ctx, xs, ys, px, py, colour, dots) {
  ctx.strokeStyle = colour; ctx.fillStyle = colour; ctx.lineWidth = 2; ctx.beginPath();
  let drawing = false;
  xs.forEach((v, i) => {
    if (ys[i] === null) { drawing = false; return; }
    drawing ? ctx.lineTo(px(v), py(ys[i])) : ctx.moveTo(px(v), py(ys[i]));
    drawing = true;
  });
  ctx.stroke();
  if (!dots && xs.length !== 1) return;
  xs.forEach((v, i) => {
    if (ys[i] === null) return;
    ctx.beginPath(); ctx.arc(px(v), py(ys[i]), 3.5, 0, 2 * Math.PI); ctx.fill();
  });
}

function legend(ctx, entries, width, middle, text) {
  ctx.textAlign = "left"; ctx.textBaseline = "middle";
  const widths = entries.map(({ name }) => 34 + ctx.measureText(name).width);
  let x = (width - widths[0] - widths[1] - 16) / 2;
  entries.forEach(({ name, colour }, i) => {
    ctx.fillStyle = colour; ctx.fillRect(x, middle - 1, 24, 3);
    ctx.fillStyle = text; ctx.fillText(name, x + 30, middle);
    x += widths[i] + 16;
  });
}

function draw(canvas, data) {
  const width = canvas.parentElement.clientWidth, height = data.height, ratio = window.devicePixelRatio || 1;
  canvas.width = width * ratio; canvas.height = height * ratio;
  canvas.style.width = width + "px"; canvas.style.height = height + "px";
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  const style = getComputedStyle(canvas.parentElement);
  ctx.font = `13px ${style.fontFamily}`;
  const left = 50, gap = 70, panelWidth = (width - 2 * left - gap + 30) / 2;
  data.panels.forEach((panel, i) =>
    drawPanel(ctx, { x: left + i * (panelWidth + gap), y: data.top, w: panelWidth, h: height - data.top - 75 }, data, panel, style.color, style.fontFamily));
  legend(ctx, data.legend, width, height - 18, style.color);
  // What a test or benchmark can read: how many training points the chart shows.
  canvas.dataset.trainingPoints = data.train_epochs.length;
}

export default function (component) {
  const { data, parentElement } = component;
  let canvas = parentElement.querySelector("canvas");
  if (!canvas) {
    canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    parentElement.appendChild(canvas);
  }
  canvas.setAttribute("aria-label", "Live loss and accuracy curves of the training run");
  draw(canvas, data);
  // Redrawn with the same data when the page's width changes (the data itself comes every 2 s at most).
  const resized = new ResizeObserver(() => draw(canvas, data));
  resized.observe(parentElement);
  return () => resized.disconnect();
}
