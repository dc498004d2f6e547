// Formula versions and replays of every customer under one, for the audit page.
import { getJson, postJson } from "./api.js";
import { h, count, label, day, clearErrorOf, announce } from "./ui.js";
import { counted } from "./words.js";
import { showDiff, clearDiff } from "./replay-diff.js";
import { showReplays } from "./replay-list.js";

let catalog = [];

export async function loadFormulas(chosen) {
  const formulas = await getJson("/api/formulas");
  const options = selected => formulas.versions.map(v => {
    const name = `${v.name}@${v.version}`;
    return h("option", { value: name, selected: name === selected }, `${name} ${described(v, formulas.inForce)}`);
  });
  const valueFormula = document.getElementById("audit-formula");
  valueFormula.replaceChildren(valueFormula.options[0], ...options(valueFormula.value));
  document.getElementById("replay-formula").replaceChildren(...options(chosen));
  catalog = formulas.catalog;
  clearErrorOf("Formulas");
  const names = document.getElementById("new-formula");
  if (names.options.length === 0) {
    names.replaceChildren(...catalog.map(f => h("option", { value: f.name }, f.name)));
    showParameters();
  }
}

/**
 * What tells two versions of a formula apart in a list: "simple-clv@1" and "simple-clv@2" alone said nothing of which
 * was which (until 2026-12-08). Its registration day, its parameters (none: estimated per customer), the one in force.
 */
function described(v, inForce) {
  const parameters = Object.entries(v.parameters ?? {});
  const given = parameters.length ? parameters.map(([k, n]) => `${label(k).toLowerCase()} ${n}`).join(", ") : "every input estimated per customer";
  const when = v.registeredAt ? `registered ${day(v.registeredAt)}` : "built in";
  const now = inForce && inForce.name === v.name && inForce.version === v.version ? ", in force now" : "";
  return `(${when}${now}; ${given})`;
}

/** One field per parameter of the chosen formula, named in words ("Average order value"; the code is the field's name); one left empty is estimated per customer. */
export function showParameters() {
  const name = document.getElementById("new-formula").value;
  const parameters = catalog.find(f => f.name === name)?.parameters ?? [];
  document.getElementById("new-parameters").replaceChildren(...parameters.flatMap(p => [
    h("label", { for: `parameter-${p}` }, label(p)),
    h("input", { id: `parameter-${p}`, name: p, type: "number", step: "any", placeholder: "estimated per customer" })]));
}

export async function registerVersion(form) {
  clearErrorOf("New version");
  const name = form.get("name");
  const parameters = Object.fromEntries([...form].filter(([key, value]) => key !== "name" && value !== "").map(([key, value]) => [key, Number(value)]));
  const known = new Set([...document.getElementById("replay-formula").options].map(o => o.value));
  const registered = await postJson("/api/formulas", { name, parameters });
  const version = `${registered.name}@${registered.version}`;
  await loadFormulas(version);
  // The service answers the latest version instead of registering a copy of it.
  announce(known.has(version)
    ? `${version} already holds these parameters: nothing new registered.`
    : `${version} registered (not put in force).`);
}

export async function replay(form) {
  clearErrorOf("Replay");
  const body = { formula: form.get("formula"), ...(form.get("asOf") ? { asOf: form.get("asOf") } : {}) };
  // The date the service refuses is marked where it was given, as the value form's and the portfolio's period are.
  const asOfField = document.getElementById("replay-as-of");
  asOfField.setAttribute("aria-invalid", "false");
  let id;
  try {
    ({ id } = await postJson("/api/replays", body));
  } catch (error) {
    if (error.status === 400 && error.problem?.errors?.asOf) asOfField.setAttribute("aria-invalid", "true");
    throw error;
  }
  const progress = document.getElementById("replay-progress");
  progress.hidden = false;
  clearDiff();
  let run;
  // Said in tenths: a screen reader told twice a second would say nothing else.
  let toldTenth = -1;
  for (;;) {
    run = await getJson(`/api/replays/${encodeURIComponent(id)}`);
    progress.value = run.eventsTotal ? run.eventsDone / run.eventsTotal : 0;
    const tenth = Math.floor(progress.value * 10);
    if (tenth !== toldTenth) {
      toldTenth = tenth;
      announce(`Replaying under ${body.formula}: ${count(run.eventsDone)} of ${counted(run.eventsTotal, "touchpoint")}.`);
    }
    if (run.state !== "running") break;
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  if (run.state !== "completed") throw new Error(run.error ?? `the replay ${run.state}`);
  progress.value = 1;
  await showDiff(run);
  announce(`Replay under ${body.formula} completed.`);
  await showReplays();
}
