// The auditor's page: a customer's value at a date with the check of its events, and anchors of the seals.
import { getJson, postJson } from "./api.js";
import { h, amount, day, when, showError, clearError, announce, installKeyDialog } from "./ui.js";

installKeyDialog();
loadFormulas().catch(error => showError(error, "Formulas"));

document.getElementById("value-form").addEventListener("submit", event => {
  event.preventDefault();
  showValueAt(new FormData(event.target)).catch(error => showError(error, "Value"));
});
document.getElementById("take-anchor").addEventListener("click", () => takeAnchor().catch(error => showError(error, "Anchor")));
document.getElementById("verify-form").addEventListener("submit", event => {
  event.preventDefault();
  verifyAnchor(document.getElementById("anchor-input").value).catch(error => showError(error, "Anchor check"));
});

document.getElementById("register-form").addEventListener("submit", event => {
  event.preventDefault();
  registerVersion(new FormData(event.target)).catch(error => showError(error, "New version"));
});
document.getElementById("new-formula").addEventListener("change", showParameters);
document.getElementById("replay-form").addEventListener("submit", event => {
  event.preventDefault();
  replay(new FormData(event.target)).catch(error => showError(error, "Replay"));
});

let catalog = [];

async function loadFormulas(chosen) {
  const formulas = await getJson("/api/formulas");
  const options = selected => formulas.versions.map(v => `${v.name}@${v.version}`).map(name => h("option", { value: name, selected: name === selected }, name));
  const valueFormula = document.getElementById("audit-formula");
  valueFormula.replaceChildren(valueFormula.options[0], ...options(valueFormula.value));
  document.getElementById("replay-formula").replaceChildren(...options(chosen));
  catalog = formulas.catalog;
  const names = document.getElementById("new-formula");
  if (names.options.length === 0) {
    names.replaceChildren(...catalog.map(f => h("option", { value: f.name }, f.name)));
    showParameters();
  }
}

/** One field per parameter of the chosen formula; one left empty is estimated per customer. */
function showParameters() {
  const name = document.getElementById("new-formula").value;
  const parameters = catalog.find(f => f.name === name)?.parameters ?? [];
  document.getElementById("new-parameters").replaceChildren(...parameters.flatMap(p => [
    h("label", { for: `parameter-${p}` }, p),
    h("input", { id: `parameter-${p}`, name: p, type: "number", step: "any", placeholder: "estimated per customer" })]));
}

async function registerVersion(form) {
  clearError();
  const name = form.get("name");
  const parameters = Object.fromEntries([...form].filter(([key, value]) => key !== "name" && value !== "").map(([key, value]) => [key, Number(value)]));
  const registered = await postJson("/api/formulas", { name, parameters });
  const version = `${registered.name}@${registered.version}`;
  await loadFormulas(version);
  announce(`${version} registered (not put in force).`);
}

async function replay(form) {
  clearError();
  const body = { formula: form.get("formula"), ...(form.get("asOf") ? { asOf: form.get("asOf") } : {}) };
  const { id } = await postJson("/api/replays", body);
  const progress = document.getElementById("replay-progress");
  progress.hidden = false;
  document.getElementById("replay-diff").replaceChildren();
  let run;
  for (;;) {
    run = await getJson(`/api/replays/${encodeURIComponent(id)}`);
    progress.value = run.eventsTotal ? run.eventsDone / run.eventsTotal : 0;
    announce(`Replaying under ${body.formula}: ${run.eventsDone} of ${run.eventsTotal} touchpoints.`);
    if (run.state !== "running") break;
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  if (run.state === "failed") throw new Error(run.error ?? "the replay failed");
  progress.value = 1;
  showDiff(await getJson(`/api/replays/${encodeURIComponent(id)}/diff?pageSize=10`), run);
  announce(`Replay under ${body.formula} completed.`);
}

function showDiff(diff, run) {
  document.getElementById("replay-summary").textContent =
    `${diff.changed} of ${diff.customers} customers differ from the live values (${run.liveFormula}), ${diff.tierChanges} change tier. The largest differences:`;
  const row = item => h("tr", {},
    h("td", {}, h("a", { href: `index.html#customer=${encodeURIComponent(item.customerId)}` }, item.customerId)),
    h("td", { class: "number" }, amount(item.replayed)), h("td", { class: "number" }, amount(item.against)),
    h("td", { class: "number" }, amount(item.difference)), h("td", {}, item.tierChanged ? `${item.againstTier} → ${item.replayedTier}` : item.replayedTier));
  document.getElementById("replay-diff").replaceChildren(h("table", {},
    h("caption", {}, `Current value under ${diff.formula} against the live values`),
    h("thead", {}, h("tr", {}, ["Customer", "Replayed", "Live", "Difference", "Tier"].map(t => h("th", { scope: "col" }, t)))),
    h("tbody", {}, diff.items.map(row))));
}

async function showValueAt(form) {
  clearError();
  const id = form.get("customer").trim();
  const query = new URLSearchParams([...form].filter(([name, value]) => name !== "customer" && value));
  const path = `/api/customers/${encodeURIComponent(id)}`;
  announce(`Reading ${id}…`);
  const history = new URLSearchParams({ formula: form.get("formula") || "of-the-time", ...(form.get("knownAt") ? { knownAt: form.get("knownAt") } : {}) });
  const [value, audit, points] = await Promise.all([
    getJson(`${path}/value?${query}`), getJson(`${path}/audit`), getJson(`${path}/value-history?${history}`)]);
  showValue(value);
  showChain(audit);
  showHistory(points, form.get("formula"));
  announce(`Value of ${id} shown, its events checked.`);
}

function showValue(v) {
  document.getElementById("audit-value").replaceChildren(
    card("Revenue to date", amount(v.historical.revenue), `profit ${amount(v.historical.profit)}`),
    card("Current value", amount(v.current), `${v.formula.name}@${v.formula.version}`),
    card("Potential value", amount(v.potential.total), `tier ${v.tier}`),
    card("Touchpoints counted", v.touchpointsCounted, `as of ${when(v.asOf)}${v.knownAt ? `, known at ${when(v.knownAt)}` : ""}`));
}

function showChain(a) {
  const target = document.getElementById("audit-chain");
  const unsealed = a.unsealed ? `, ${a.unsealed} recorded too recently to be sealed yet` : "";
  if (a.valid) {
    target.replaceChildren(h("strong", { class: "good" }, "Events unaltered: "), `all ${a.checked} sealed events of the customer match their seals${unsealed}.`);
    return;
  }
  const m = a.firstMismatch;
  target.replaceChildren(h("strong", { class: "bad" }, "Events altered: "),
    `${a.checked} events match their seals, then event ${m.sequence} (version ${m.version}${m.touchpointId ? `, touchpoint ${m.touchpointId}` : ""}): ${m.problem}`);
}

function showHistory({ points }, formula) {
  const caption = formula
    ? `Value after each touchpoint under ${formula}`
    : "Value after each touchpoint under the formula in force when it was recorded";
  const row = p => h("tr", {},
    h("td", {}, day(p.occurredAt)), h("td", {}, day(p.recordedAt)), h("td", {}, p.type),
    h("td", { class: "number" }, amount(p.revenue)), h("td", { class: "number" }, amount(p.profit)),
    h("td", { class: "number" }, amount(p.current)), h("td", { class: "number" }, amount(p.potential)), h("td", {}, p.tier), h("td", {}, p.formula));
  document.getElementById("audit-history").replaceChildren(h("table", {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ["Occurred", "Recorded", "Touchpoint", "Revenue", "Profit", "Current", "Potential", "Tier", "Formula"].map(t => h("th", { scope: "col" }, t)))),
    h("tbody", {}, points.map(row))));
}

async function takeAnchor() {
  clearError();
  announce("Taking an anchor…");
  const text = JSON.stringify(await getJson("/api/audit/anchor"), null, 2);
  const shown = document.getElementById("anchor-json");
  shown.textContent = text;
  shown.hidden = false;
  const download = document.getElementById("anchor-download");
  download.href = URL.createObjectURL(new Blob([text + "\n"], { type: "application/json" }));
  download.hidden = false;
  announce("Anchor taken: keep it outside the database.");
}

async function verifyAnchor(text) {
  clearError();
  let anchor;
  try {
    anchor = JSON.parse(text);
  } catch {
    showError({ problem: { title: "Not an anchor", detail: "The text is not JSON: paste the anchor as it was taken." } });
    return;
  }
  announce("Checking the seals…");
  const check = await postJson("/api/audit/anchor/verify", anchor);
  document.getElementById("anchor-check").replaceChildren(...check.databases.map(d => h("li", { class: d.valid ? "good" : "bad" },
    d.valid
      ? `${d.database}: the ${d.seals} seals up to event ${d.sequence} are unchanged.`
      : `${d.database}: the seals up to event ${d.sequence} changed (${d.seals} seals now, ${d.expectedSeals} anchored).`)));
  announce(check.valid ? "The anchor holds." : "The anchor does not hold: sealed history changed.");
}

const card = (title, figure, note) =>
  h("div", { class: "card" }, h("p", { class: "card-title" }, title), h("p", { class: "figure", "data-card": title }, figure), h("p", { class: "card-note" }, note));
