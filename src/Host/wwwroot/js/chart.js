// A small inline SVG line chart: no library, scales to its container through the viewBox.
const Svg = "http://www.w3.org/2000/svg";

function s(tag, attrs = {}, text) {
  const element = document.createElementNS(Svg, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * series: [{ name, color, points: [{ x, y }], dashed }]; x and y are numbers; dashed: true (dashes) or "dotted".
 * options: { label (read by screen readers), xLabel(x), yLabel(y), width, height, xMin, xMax, yMin, yMax }.
 */
export function lineChart(series, options) {
  const { width = 640, height = 240, label, xLabel = String, yLabel = String } = options;   // width: the container's, so text keeps its size
  const all = series.flatMap(line => line.points);
  const xs = all.map(p => p.x), ys = all.map(p => p.y);
  const xMin = options.xMin ?? Math.min(...xs), xMax = options.xMax ?? Math.max(...xs);
  const yTicks = ticks(options.yMin ?? Math.min(0, ...ys), options.yMax ?? Math.max(1, ...ys));
  const yMin = options.yMin ?? yTicks[0], yMax = options.yMax ?? yTicks[yTicks.length - 1];
  const yShown = yTicks.filter(t => t >= yMin && t <= yMax).map(t => ({ value: t, text: yLabel(t) }));
  // The left margin holds the widest y label: a fixed 64 px cut "1,000,000" to ",000,000" (and more of 10 million).
  const pad = { left: Math.ceil(Math.max(0, ...yShown.map(t => textWidth(t.text)))) + TickGap + 4, right: 12, top: 12, bottom: 40 };
  const x = v => pad.left + ((v - xMin) / (xMax - xMin || 1)) * (width - pad.left - pad.right);
  const y = v => height - pad.bottom - ((v - yMin) / (yMax - yMin || 1)) * (height - pad.top - pad.bottom);

  // Named once: a <title> of the same words beside aria-label gave the chart a description equal to its name, read twice.
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label, class: "line-chart" });
  for (const { value: tick, text } of yShown) {
    svg.append(s("line", { x1: pad.left, x2: width - pad.right, y1: y(tick), y2: y(tick), class: tick === 0 ? "axis" : "grid" }));
    svg.append(s("text", { x: pad.left - TickGap, y: y(tick) + 4, "text-anchor": "end", class: "tick" }, text));
  }
  for (const { value, anchor, text } of xTicksThatFit([xMin, (xMin + xMax) / 2, xMax].map(xLabel), xMin, xMax, pad.left, width - pad.right)) {
    svg.append(s("text", { x: x(value), y: height - pad.bottom + 18, "text-anchor": anchor, class: "tick" }, text));
  }
  for (const line of series) {
    if (line.points.length === 0) continue;
    const d = line.points.map((p, i) => `${i ? "L" : "M"}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(" ");
    svg.append(s("path", { d, fill: "none", stroke: line.color, "stroke-width": 2, "stroke-dasharray": dashes(line) }));
  }
  const places = legendPlaces(series.map(line => line.name), pad.left, width - pad.right, Math.min(150, (width - pad.left) / series.length));
  series.forEach((line, i) => {
    const { x: lx, row } = places[i];
    const ly = height - 8 + row * LegendRowHeight;
    svg.append(s("line", { x1: lx, x2: lx + 18, y1: ly, y2: ly, stroke: line.color, "stroke-width": 3, "stroke-dasharray": dashes(line) }));
    svg.append(s("text", { x: lx + 24, y: ly + 4, class: "legend" }, line.name));
  });
  // A legend on several rows (a narrow chart) makes the chart taller by those rows, below its axis.
  const rows = Math.max(...places.map(place => place.row)) + 1;
  if (rows > 1) svg.setAttribute("viewBox", `0 0 ${width} ${height + (rows - 1) * LegendRowHeight}`);
  // The image's label is the one thing read: its axis and legend texts were in the accessibility tree, each read apart
  // (until 2026-12-07). Drawn inside a group hidden from assistive technology, the label on the svg stays its name.
  const drawing = s("g", { "aria-hidden": "true" });
  drawing.append(...svg.childNodes);
  svg.append(drawing);
  return svg;
}

const LegendRowHeight = 16;
const TickGap = 6;

// A tick's text as drawn (12 px, in the page's font), measured before the chart is on the page; without a canvas,
// 8 px a character, more than a digit takes.
let measure;
function textWidth(text) {
  measure ??= document.createElement("canvas").getContext("2d") ?? false;
  if (!measure) return text.length * 8;
  measure.font = `12px ${getComputedStyle(document.body).fontFamily}`;
  return measure.measureText(text).width;
}

// The x axis's first, middle and last labels, those that fit side by side at least 12 px apart: on a phone's
// chart the three dates (or "0% of customers" ...) ran into each other. The middle one goes first, then the last.
function xTicksThatFit([first, middle, last], xMin, xMax, left, right) {
  const [a, b, c] = [first, middle, last].map(textWidth);
  const apart = (oneEnd, otherStart) => otherStart - oneEnd >= 12;
  const centre = (left + right) / 2;
  const ends = apart(left + a, right - c);
  const withMiddle = ends && apart(left + a, centre - b / 2) && apart(centre + b / 2, right - c);
  return [
    { value: xMin, anchor: "start", text: first },
    ...(withMiddle ? [{ value: (xMin + xMax) / 2, anchor: "middle", text: middle }] : []),
    ...(ends ? [{ value: xMax, anchor: "end", text: last }] : []),
  ];
}
// The legend's text is 12 px: a character is at most about 7 px wide, the key's sample 24 px before it.
const legendWidth = name => 24 + name.length * 7;

// Side by side, 150 px apart at most, as long as each name fits its step; otherwise one after the other, a row
// taken as the next one would pass the right edge: on a phone's 300 px chart the names were drawn over each other.
function legendPlaces(names, left, right, step) {
  if (names.every(name => legendWidth(name) + 8 <= step)) return names.map((_, i) => ({ x: left + i * step, row: 0 }));
  let x = left, row = 0;
  return names.map(name => {
    if (x > left && x + legendWidth(name) > right) { x = left; row++; }
    const place = { x, row };
    x += legendWidth(name) + 16;
    return place;
  });
}

// Each line drawn its own way, not by its colour alone (WCAG 1.4.1): solid, dashed or dotted, the legend alike.
const dashes = line => line.dashed === "dotted" ? "2 3" : line.dashed ? "5 4" : "none";

/** About five round steps from just below min to just above max (zero is a step when in range). */
function ticks(min, max) {
  const raw = (max - min) / 4 || 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map(m => m * magnitude).find(m => m >= raw);
  const values = [];
  for (let k = Math.floor(min / step); k <= Math.ceil(max / step); k++) values.push(k * step || 0);   // never "-0"
  return values;
}
