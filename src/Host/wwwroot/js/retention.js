// The pending cancellation: the service's recommended action, its reason, and the desk's outcome buttons.
import { ApiError, getJson, postJson } from "./api.js";
import { h, amount, when, showError, clearError, announce } from "./ui.js";

const PollEveryMs = 1000;
const PollAtMost = 60;

/**
 * Shows the retention decision; while the service is still assessing, asks again every second,
 * and once it has decided, refreshes the whole customer (the decision is a new timeline entry).
 */
export async function showRetention(id, still, onChanged, attempt = 0) {
  const body = document.getElementById("retention-body");
  let retention;
  try {
    retention = await getJson(`/api/customers/${encodeURIComponent(id)}/retention`);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    if (still()) body.replaceChildren(h("p", { class: "muted" }, "This service does not assess cancellations (no retention endpoint)."));
    return;
  }
  if (!still()) return;
  const pending = retention.pending;
  if (attempt > 0 && pending?.decision !== "assessing") return onChanged();
  if (!pending) {
    body.replaceChildren(h("p", { id: "retention-none" }, "No pending cancellation.",
      retention.state === "retained" ? " The customer was retained." : ""));
    return;
  }
  body.replaceChildren(...describe(pending, id, onChanged));
  if (pending.decision === "assessing" && attempt < PollAtMost) {
    setTimeout(() => showRetention(id, still, onChanged, attempt + 1).catch(error => showError(error, "Retention")), PollEveryMs);
  }
}

function describe(pending, customerId, onRecorded) {
  const requested = h("p", {}, "Cancellation requested ", h("time", { datetime: pending.requestedAt }, when(pending.requestedAt)),
    pending.reason ? ` – “${pending.reason}”` : "");
  switch (pending.decision) {
    case "assessing":
      return [requested, h("p", { class: "decision", "aria-busy": "true" }, "Assessing the request…")];
    case "offer-made":
      return [requested, offerMade(pending, customerId, onRecorded)];
    case "no-offer":
      return [requested,
        h("p", { class: "decision decision-no-offer" }, "Recommended action: ", h("strong", {}, "no offer")),
        h("p", { class: "why" }, h("strong", {}, "Why: "), pending.why ?? "no reason given"),
        inputs(pending.rule, pending.inputs)];
    default:
      return [requested, h("p", { class: "decision" }, `Decision: ${pending.decision}`), h("p", { class: "why" }, pending.why ?? "")];
  }
}

function offerMade(pending, customerId, onRecorded) {
  const offer = pending.offer;
  const buttons = [
    h("button", { type: "button", id: "accept-offer", onclick: () => record("retention-offer-accepted") }, "Accept offer"),
    h("button", { type: "button", id: "decline-offer", class: "secondary", onclick: () => record("retention-offer-declined") }, "Decline offer"),
  ];
  async function record(type) {
    buttons.forEach(b => (b.disabled = true));
    clearError();
    announce("Recording the outcome…");
    try {
      // Not before the request it answers, which a sender whose clock runs ahead may have dated later
      // than now (a millisecond after it: the request's time may carry digits a Date drops).
      const answeredAt = new Date(Math.max(Date.now(), Date.parse(pending.requestedAt) + 1));
      await postJson("/api/touchpoints", { type, touchpointId: newId(), customerId, occurredAt: answeredAt.toISOString(), offerId: offer.offerId });
      announce(type === "retention-offer-accepted" ? "Offer accepted." : "Offer declined.");
      await onRecorded();
    } catch (error) {
      buttons.forEach(b => (b.disabled = false));
      announce("");
      showError(error, "Recording the outcome");
    }
  }
  return h("div", { class: "offer" },
    h("p", { class: "decision decision-offer" }, "Recommended action: ", h("strong", {}, `retention offer of ${amount(offer.amount)}`)),
    h("p", { class: "muted" }, `Costs ${amount(offer.cost)} · expires ${when(offer.expiresAt)}`),
    h("p", { class: "why" }, h("strong", {}, "Why: "), pending.why ?? "no reason given"),
    inputs(offer.rule, offer.inputs),
    h("div", { class: "row" }, buttons));
}

function inputs(rule, values) {
  if (!values || Object.keys(values).length === 0) return "";
  return h("details", {}, h("summary", { title: rule ?? "" }, "Inputs of the decision"),
    h("dl", { class: "inputs" }, Object.entries(values).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, typeof v === "number" ? amount(v) : String(v))])));
}

// crypto.randomUUID exists only in secure contexts (https, localhost); getRandomValues everywhere.
function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "desk-" + [...bytes].map(b => b.toString(16).padStart(2, "0")).join("");
}
