// The whole log's integrity: every chain checked, and anchors of the seals taken, shown, downloaded and checked when pasted back.
import { getJson, postJson } from "./api.js";
import { h, count, showError, clearErrorOf, announce } from "./ui.js";
import { counted } from "./words.js";
import { sayDetail } from "./problem-words.js";
import { mismatchCount, mismatchesOf, mismatchesSaid, mismatchesFound } from "./mismatches.js";

/**
 * Each check's result is cleared before it asks, and a refusal is said where the result would be, with the status line
 * emptied: until 2026-12-07 a good check's green line stayed under an anchor the service refused, "Checking the seals…"
 * stayed on, and the refusal showed at the page's top, out of sight.
 */
async function asking(part, waiting, clear, place, ask, notDone = "Not checked") {
  clearErrorOf(part);
  clear();
  announce(waiting);
  try {
    return await ask();
  } catch (error) {
    announce("");
    place(h("li", { class: "bad refusal" }, `${notDone}: ${refusalWords(error)}`));
    throw error;
  }
}

const refusalWords = error => {
  const problem = error?.problem;
  const detail = problem?.detail ? sayDetail(problem.detail).text : null;
  return detail ?? problem?.title ?? String(error?.message ?? error);
};

export async function takeAnchor() {
  const shown = document.getElementById("anchor-json");
  const download = document.getElementById("anchor-download");
  const taken = document.getElementById("anchor-taken");
  const anchor = await asking("Anchor", "Taking an anchor…", () => {
    shown.hidden = download.hidden = true;
    taken.replaceChildren();
  }, refusal => taken.replaceChildren(refusal), () => getJson("/api/audit/anchor"), "No anchor taken");
  const text = JSON.stringify(anchor, null, 2);
  shown.textContent = text;
  shown.hidden = false;
  download.href = URL.createObjectURL(new Blob([text + "\n"], { type: "application/json" }));
  download.hidden = false;
  announce("Anchor taken: keep it outside the database.");
}

export async function verifyAnchor(text) {
  const list = document.getElementById("anchor-check");
  const input = document.getElementById("anchor-input");
  // The field refused is described by the refusal itself (the list's own name would be read in its place).
  const refused = refusal => {
    refusal.id = "anchor-refusal";
    list.replaceChildren(refusal);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", refusal.id);
  };
  const clear = () => {
    list.replaceChildren();
    input.setAttribute("aria-invalid", "false");
    input.removeAttribute("aria-describedby");
  };
  let anchor;
  try {
    anchor = JSON.parse(text);
  } catch {
    clearErrorOf("Anchor check");
    clear();
    refused(h("li", { class: "bad refusal" }, "Not checked: the text is not JSON. Paste the anchor as it was taken."));
    announce("");
    input.focus();
    return;
  }
  let check;
  try {
    check = await asking("Anchor check", "Checking the seals…", clear, refused, () => postJson("/api/audit/anchor/verify", anchor));
  } catch (error) {
    // The keyboard goes back to the anchor refused, described by the refusal beside it.
    input.focus();
    throw error;
  }
  list.replaceChildren(...check.databases.map(d => h("li", { class: d.valid ? "good" : d.status === "changed" ? "bad" : "muted" },
    d.status === "not-sealed-yet" ? `${d.database}: not checked. ${d.reason}`
      : d.valid ? (d.seals === 1 ? `${d.database}: the 1 seal up to event ${d.sequence} is unchanged.` : `${d.database}: the ${count(d.seals)} seals up to event ${d.sequence} are unchanged.`)
      : `${d.database}: the seals up to event ${d.sequence} changed (${counted(d.seals, "seal")} now, ${count(d.expectedSeals)} anchored).`)));
  announce(check.valid ? "The anchor holds."
    : check.status === "changed" ? "The anchor does not hold: sealed history changed."
    : "The anchor cannot be checked yet: the seals have not reached it.");
}

/** Every customer's chain against its seals (audit-verify over HTTP). */
export async function checkLog() {
  const summaryLine = document.getElementById("log-check");
  const altered = document.getElementById("log-altered");
  const report = await asking("Chains", "Checking every customer's chain…", () => {
    summaryLine.replaceChildren();
    altered.replaceChildren();
  }, refusal => altered.replaceChildren(refusal), () => getJson("/api/audit/verify"));
  const summary = `${counted(report.streams, "stream")}, ${counted(report.checked, "event")} checked, ${count(report.unsealed)} not sealed yet.`;
  summaryLine.replaceChildren(report.valid
    ? h("strong", { class: "good" }, "No stream altered: ")
    : h("strong", { class: "bad" }, `${counted(report.altered.length, "stream")} altered: `), summary);
  // Each event with its touchpoint, as the customer's own audit names it.
  const said = m => `event ${m.sequence}, version ${m.version}${m.touchpointId ? `, touchpoint ${m.touchpointId}` : ""}: ${m.problem}`;
  const names = await namesOf(report.altered.slice(0, NamedStreams).map(a => a.customerId));
  altered.replaceChildren(...report.altered.map(a => h("li", { class: "bad" },
    // The auditor's next step is this customer's own audit, on this page (audit.js fills and runs the form), not the desk.
    // The customer by name, its id beside it: an id alone ("demo-000427") told the auditor nothing of whom.
    h("a", { href: `audit.html#customer=${encodeURIComponent(a.customerId)}`, "data-customer": a.customerId },
      ...(names.get(a.customerId) ? [h("bdi", {}, names.get(a.customerId)), ` (${a.customerId})`] : [a.customerId])),
    // The database named only when there are several: "default" (one database) was read out for nothing.
    a.database === SoleDatabase ? ": " : ` (database ${a.database}): `, said(a.firstMismatch), mismatchCount(a) > 1 && `.${mismatchesSaid(a)}`,
    // Every mismatch of the stream, each at its own event: the first alone hid whether it was the only one.
    mismatchCount(a) > 1 && h("ul", { class: "checks", "aria-label": `Mismatches of ${a.customerId}` },
      mismatchesOf(a).map(m => h("li", {}, said(m)))))));
  const found = report.altered.reduce((sum, a) => sum + mismatchCount(a), 0);
  announce(report.valid ? "Every chain holds." : `Some chains do not hold: ${mismatchesFound(found)} in ${counted(report.altered.length, "stream")}.`);
}

// The name the service gives its one database (docs/audit-and-replays.md, "Tamper evidence"): not worth saying.
const SoleDatabase = "default";
// Names read for the first streams listed, one read each: a log altered wholesale lists thousands, named by id alone.
const NamedStreams = 50;

/** customerId -> name as the profile has it now (none for a record without one, or one that cannot be read). */
async function namesOf(ids) {
  const read = await Promise.allSettled(ids.map(id => getJson(`/api/customers/${encodeURIComponent(id)}`)));
  return new Map(read.flatMap((r, i) => (r.status === "fulfilled" && r.value?.name ? [[ids[i], r.value.name]] : [])));
}
