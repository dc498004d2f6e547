// The auditor's page: a customer's value at a date with the check of its events, replays under a new formula version, anchors.
import { showError, installKeyDialog } from "./ui.js";
import { showValueAt } from "./audit-value.js";
import { takeAnchor, verifyAnchor, checkLog } from "./anchors.js";
import { loadFormulas, showParameters, registerVersion, replay } from "./replays.js";
import { showReplays } from "./replay-list.js";
import { customerSearch } from "./search.js";

installKeyDialog();
// The key given (or the dialog closed), the keyboard goes to the page's first field: the dialog gave it back to the body,
// where the page had none when the dialog opened (until 2026-12-08).
const keyDialog = document.getElementById("key-dialog");
keyDialog.addEventListener("close", () => {
  // Still on the closed dialog's field until the browser tidies its focus, or on the body once it has.
  const on = document.activeElement;
  if (!on || on === document.body || keyDialog.contains(on)) document.getElementById("audit-search-input").focus();
});
loadFormulas().catch(error => showError(error, "Formulas"));
showReplays().catch(error => showError(error, "Replays"));

const valueForm = document.getElementById("value-form");
const customerField = document.getElementById("audit-customer");
// The customer by name, as on the desk: picking one found fills in its id and shows its value at the dates chosen.
const search = customerSearch({ form: "audit-search-form", input: "audit-search-input", results: "audit-results",
  more: "audit-results-more", summary: "audit-result-count" }, (id, name) => {
  customerField.value = id;
  // The keyboard waits on the id filled in; the answers take it to their heading, where the page shows them.
  customerField.focus();
  showValue(name);
});
valueForm.addEventListener("submit", event => {
  event.preventDefault();
  showValue(null);
});

/** name: the customer's as found by the search, said while its value is read (typed or from the desk: its id). */
function showValue(name) {
  search.markFound(customerField.value.trim());
  showValueAt(new FormData(valueForm), name).catch(error => showError(error, "Value"));
}
document.getElementById("check-log").addEventListener("click", () => checkLog().catch(error => showError(error, "Chains")));
// An altered stream's link audits that customer here: its id in the form, its value and the check of its events shown,
// the keyboard on the answers' heading once they come (as when picked by name). The link's address does the same in a new tab.
document.getElementById("log-altered").addEventListener("click", event => {
  const link = event.target.closest("a[data-customer]");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  customerField.value = link.dataset.customer;
  customerField.focus();
  showValue(null);
});
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
// Another customer written in the address of the open page: it was ignored (until 2026-12-08).
window.addEventListener("hashchange", showCustomerInAddress);

/** Opened from the desk (audit.html#customer=ID): that customer's value now and the check of its events. */
function showCustomerInAddress() {
  const id = new URLSearchParams(location.hash.slice(1)).get("customer");
  if (!id) return;
  customerField.value = id;
  valueForm.requestSubmit();
}
