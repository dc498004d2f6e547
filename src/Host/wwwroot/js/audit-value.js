// A customer's value at a date, the check of its events and its value history, for the audit page.
import { getJson } from "./api.js";
import { h, amount, count, day, whenUtc, clearError, showError, announce } from "./ui.js";

export async function showValueAt(form) {
  clearError();
  const id = form.get("customer").trim();
  const query = new URLSearchParams([...form].filter(([name, value]) => name !== "customer" && value));
  const path = `/api/customers/${encodeURIComponent(id)}`;
  announce(`Reading ${id}…`);
  // The previous customer's answers go first: a part that fails must not leave them under the new id.
  for (const target of ["audit-value", "audit-chain", "audit-inputs", "audit-history"]) document.getElementById(target).replaceChildren();
  const history = new URLSearchParams({ formula: form.get("formula") || "of-the-time", ...(form.get("knownAt") ? { knownAt: form.get("knownAt") } : {}) });
  const [value, audit, points] = await Promise.allSettled([
    getJson(`${path}/value?${query}`), getJson(`${path}/audit`), getJson(`${path}/value-history?${history}`)]);
  if (value.status === "fulfilled") showValue(value.value);
  if (audit.status === "fulfilled") { showChain(audit.value); showInputs(audit.value.dependsOn); }
  if (points.status === "fulfilled") showHistory(points.value, form.get("formula"), `${path}/value-history?${history}`);
  const failed = [[value, "Value at the date"], [audit, "Check of the events"], [points, "Value history"]].find(([part]) => part.status === "rejected");
  if (failed) {
    announce("");
    showError(failed[0].reason, failed[1]);
    return;
  }
  announce(`Value of ${id} shown, its events checked.`);
}

function showValue(v) {
  document.getElementById("audit-value").replaceChildren(
    card("Revenue to date", amount(v.historical.revenue), `profit ${amount(v.historical.profit)}`),
    card("Current value", amount(v.current), `${v.formula.name}@${v.formula.version}`),
    card("Potential value", amount(v.potential.total), `tier ${v.tier}`),
    card("Touchpoints counted", count(v.touchpointsCounted), `as of ${whenUtc(v.asOf)}${v.knownAt ? `, known at ${whenUtc(v.knownAt)}` : ""}`));
}

function showChain(a) {
  const target = document.getElementById("audit-chain");
  const unsealed = a.unsealed ? `, ${a.unsealed} recorded too recently to be sealed yet` : "";
  // `valid` also speaks for the value's inputs (shown apart): the customer's own events are intact when nothing mismatched.
  if (!a.firstMismatch) {
    target.replaceChildren(h("strong", { class: "good" }, "Events unaltered: "), `all ${a.checked} sealed events of the customer match their seals${unsealed}.`);
    return;
  }
  const m = a.firstMismatch;
  target.replaceChildren(h("strong", { class: "bad" }, "Events altered: "),
    `${a.checked} events match their seals, then event ${m.sequence} (version ${m.version}${m.touchpointId ? `, touchpoint ${m.touchpointId}` : ""}): ${m.problem}`);
}

const inputNames = { "system:formula-registry": "formula registry", "system:portfolio-model": "portfolio model" };

/** The streams every value of the customer is computed from (formula versions, refits), checked whole. */
function showInputs(inputs) {
  const name = d => inputNames[d.streamId] ?? d.streamId;
  const altered = inputs.filter(d => !d.valid);
  const target = document.getElementById("audit-inputs");
  if (altered.length === 0) {
    const described = inputs.map(d => d.checked || d.unsealed
      ? `${name(d)}: ${d.checked} sealed events match their seals${d.unsealed ? `, ${d.unsealed} not sealed yet` : ""}`
      : `${name(d)}: empty, the built-in defaults`);
    target.replaceChildren(h("strong", { class: "good" }, "Formulas and model unaltered: "), `${described.join("; ")}.`);
    return;
  }
  target.replaceChildren(h("strong", { class: "bad" }, "Formulas or model altered: "), altered.map(({ firstMismatch: m, ...d }) =>
    `${name(d)}: ${d.checked} events match their seals, then event ${m.sequence} (version ${m.version}): ${m.problem}.`).join(" "));
}

/**
 * The history's first page, oldest first; a customer with more touchpoints than a page (the service
 * answers at most 1,000 points a read) gets "Show N more", which adds the next page below.
 */
function showHistory(first, formula, url) {
  const caption = formula
    ? `Value after each touchpoint under ${formula}`
    : "Value after each touchpoint under the formula in force when it was recorded";
  const row = p => h("tr", {},
    h("td", {}, day(p.occurredAt)), h("td", {}, day(p.recordedAt)), h("td", {}, p.type),
    h("td", { class: "number" }, amount(p.revenue)), h("td", { class: "number" }, amount(p.profit)),
    h("td", { class: "number" }, amount(p.current)), h("td", { class: "number" }, amount(p.potential)), h("td", {}, p.tier), h("td", {}, p.formula));
  const body = h("tbody", {}, first.points.map(row));
  const shown = h("p", { class: "muted" });
  const more = h("button", { type: "button", class: "secondary more" });
  let read = { page: 1, total: first.total, pageSize: first.pageSize };
  const offerMore = () => {
    const rest = read.total - body.children.length;
    shown.textContent = rest > 0 ? `The first ${count(body.children.length)} of ${count(read.total)} touchpoints.` : "";
    more.hidden = rest <= 0;
    more.textContent = `Show ${count(Math.min(read.pageSize, rest))} more`;
  };
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const next = await getJson(`${url}&page=${read.page + 1}`);
      read = { page: read.page + 1, total: next.total, pageSize: next.pageSize };
      const listed = body.children.length;
      body.append(...next.points.map(row));
      offerMore();
      announce(`${count(body.children.length - listed)} more touchpoints shown.`);
    } catch (error) {
      showError(error, "Value history");
    } finally {
      more.disabled = false;
    }
  });
  document.getElementById("audit-history").replaceChildren(h("table", {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ["Occurred (UTC)", "Recorded (UTC)", "Touchpoint", "Revenue", "Profit", "Current", "Potential", "Tier", "Formula"].map(t => h("th", { scope: "col" }, t)))),
    body), shown, more);
  offerMore();
}

const card = (title, figure, note) =>
  h("div", { class: "card" }, h("p", { class: "card-title" }, title), h("p", { class: "figure", "data-card": title }, figure), h("p", { class: "card-note" }, note));
