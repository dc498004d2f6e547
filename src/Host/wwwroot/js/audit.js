// The auditor's page: a customer's value at a date with the check of its events, replays under a new formula version, anchors.
import { showError, installKeyDialog } from "./ui.js";
import { showValueAt } from "./audit-value.js";
import { takeAnchor, verifyAnchor, checkLog } from "./anchors.js";
import { loadFormulas, showParameters, registerVersion, replay } from "./replays.js";
import { showReplays } from "./replay-list.js";

installKeyDialog();
loadFormulas().catch(error => showError(error, "Formulas"));
showReplays().catch(error => showError(error, "Replays"));

document.getElementById("value-form").addEventListener("submit", event => {
  event.preventDefault();
  showValueAt(new FormData(event.target)).catch(error => showError(error, "Value"));
});
document.getElementById("check-log").addEventListener("click", () => checkLog().catch(error => showError(error, "Chains")));
document.getElementById("take-anchor").addEventListener("click", () => takeAnchor().catch(error => showError(error, "Anchor")));
document.getElementById("anchor-file").addEventListener("change", async event => {
  const file = event.target.files[0];
  if (file) document.getElementById("anchor-input").value = await file.text();
});
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
showCustomerInAddress();

/** Opened from the desk (audit.html#customer=ID): that customer's value now and the check of its events. */
function showCustomerInAddress() {
  const id = new URLSearchParams(location.hash.slice(1)).get("customer");
  if (!id) return;
  document.getElementById("audit-customer").value = id;
  document.getElementById("value-form").requestSubmit();
}
