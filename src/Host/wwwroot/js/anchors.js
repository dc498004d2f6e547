// The whole log's integrity: every chain checked, and anchors of the seals taken, shown, downloaded and checked when pasted back.
import { getJson, postJson } from "./api.js";
import { h, count, showError, clearError, announce } from "./ui.js";
import { counted } from "./words.js";

export async function takeAnchor() {
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

export async function verifyAnchor(text) {
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
  document.getElementById("anchor-check").replaceChildren(...check.databases.map(d => h("li", { class: d.valid ? "good" : d.status === "changed" ? "bad" : "muted" },
    d.status === "not-sealed-yet" ? `${d.database}: not checked. ${d.reason}`
      : d.valid ? (d.seals === 1 ? `${d.database}: the 1 seal up to event ${d.sequence} is unchanged.` : `${d.database}: the ${count(d.seals)} seals up to event ${d.sequence} are unchanged.`)
      : `${d.database}: the seals up to event ${d.sequence} changed (${counted(d.seals, "seal")} now, ${count(d.expectedSeals)} anchored).`)));
  announce(check.valid ? "The anchor holds."
    : check.status === "changed" ? "The anchor does not hold: sealed history changed."
    : "The anchor cannot be checked yet: the seals have not reached it.");
}

/** Every customer's chain against its seals (audit-verify over HTTP). */
export async function checkLog() {
  clearError();
  announce("Checking every customer's chain…");
  const report = await getJson("/api/audit/verify");
  const summary = `${counted(report.streams, "stream")}, ${counted(report.checked, "event")} checked, ${count(report.unsealed)} not sealed yet.`;
  document.getElementById("log-check").replaceChildren(report.valid
    ? h("strong", { class: "good" }, "No stream altered: ")
    : h("strong", { class: "bad" }, `${counted(report.altered.length, "stream")} altered: `), summary);
  document.getElementById("log-altered").replaceChildren(...report.altered.map(a => h("li", { class: "bad" },
    h("a", { href: `index.html#customer=${encodeURIComponent(a.customerId)}` }, a.customerId),
    ` (${a.database}): event ${a.firstMismatch.sequence}, version ${a.firstMismatch.version}: ${a.firstMismatch.problem}`)));
  announce(report.valid ? "Every chain holds." : "Some chains do not hold.");
}
