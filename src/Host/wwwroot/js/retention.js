// The pending cancellation: the service's recommended action, its reason, and the desk's outcome buttons.
import { ApiError, getJson, postJson, serviceNow } from "./api.js";
import { h, amount, figureOf, label, when, showError, clearError, announce } from "./ui.js";

const PollEveryMs = 1000;
const PollAtMost = 60;
// After a minute the service is catching up (a start, a backlog): it is asked less often, never given up on.
const SlowPollEveryMs = 5000;

// Each showing of a customer starts a new round of asking; a round that a newer showing of the same
// customer replaced stops, and so does one whose customer is no longer shown (still). Another
// customer's showing stops nothing: the refresh after an outcome on A, coming back once B is open,
// must not leave B's panel waiting for a decision nobody asks about any more.
const rounds = new Map();
const nextRound = id => {
  rounds.set(id, (rounds.get(id) ?? 0) + 1);
  return rounds.get(id);
};

/**
 * Shows the retention decision; while the service is still assessing, asks again every second
 * (every five after a minute, saying so), and once it has decided, refreshes the whole customer
 * (the decision is a new timeline entry).
 */
export async function showRetention(id, still, onChanged, attempt = 0, ofRound = nextRound(id)) {
  const current = () => still() && ofRound === rounds.get(id);
  const body = document.getElementById("retention-body");
  let retention;
  try {
    retention = await getJson(`/api/customers/${encodeURIComponent(id)}/retention`);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    if (current()) body.replaceChildren(h("p", { class: "muted" }, error.problem?.detail ?? "No such customer."));
    return;
  }
  if (!current()) return;
  const pending = retention.pending;
  if (attempt > 0 && pending?.decision !== "assessing") {
    announce(!pending ? "The cancellation is no longer pending."
      : pending.decision === "offer-made" ? `Recommended action: retention offer of ${amount(pending.offer.amount)}.` : "Recommended action: no offer.");
    return onChanged();
  }
  if (!pending) {
    body.replaceChildren(h("p", { id: "retention-none" }, "No pending cancellation.",
      retention.state === "retained" ? " The customer was retained." : ""));
    return;
  }
  body.replaceChildren(...describe(pending, id, afterOutcome(still, onChanged), attempt >= PollAtMost));
  if (pending.decision === "assessing") {
    setTimeout(() => showRetention(id, still, onChanged, attempt + 1, ofRound).catch(error => showError(error, "Retention")),
      attempt < PollAtMost ? PollEveryMs : SlowPollEveryMs);
  }
}

// The outcome's buttons go with the panel read again after it: the keyboard is put on the panel's
// heading (the status line says what was recorded), unless the user has moved on meanwhile.
const afterOutcome = (still, onChanged) => async () => {
  await onChanged();
  const focused = document.activeElement;
  if (still() && (!focused || focused === document.body || !focused.isConnected)) document.getElementById("retention-title").focus();
};

function describe(pending, customerId, onRecorded, slow) {
  const requested = h("p", {}, "Cancellation requested ", h("time", { datetime: pending.requestedAt }, when(pending.requestedAt)),
    pending.reason ? ` – “${pending.reason}”` : "");
  switch (pending.decision) {
    case "assessing":
      return [requested, h("p", { class: "decision", "aria-busy": "true" }, "Assessing the request…"),
        slow ? h("p", { class: "muted", id: "assessing-slowly" },
          "Still being assessed after a minute: the service is catching up (after a start, or with many requests). This panel keeps checking.") : ""];
    case "offer-made":
      return [requested, offerMade(pending, customerId, onRecorded)];
    case "no-offer":
      return [requested,
        h("p", { class: "decision decision-no-offer" }, "Recommended action: ", h("strong", {}, "no offer")),
        h("p", { class: "why" }, h("strong", {}, "Why: "), pending.why ?? "no reason given"),
        inputs(pending.rule, pending.inputs),
        outcomes(pending, onRecorded, [["Let the client go", "let-go", { type: "churned", customerId, reason: "let go: no retention offer" }, "Departure recorded."]])];
    default:
      return [requested, h("p", { class: "decision" }, `Decision: ${pending.decision}`), h("p", { class: "why" }, pending.why ?? "")];
  }
}

function offerMade(pending, customerId, onRecorded) {
  const offer = pending.offer;
  const answer = type => ({ type, customerId, offerId: offer.offerId });
  return h("div", { class: "offer" },
    h("p", { class: "decision decision-offer" }, "Recommended action: ", h("strong", {}, `retention offer of ${amount(offer.amount)}`)),
    h("p", { class: "muted" }, `Costs ${amount(offer.cost)} · expires ${when(offer.expiresAt)}`),
    h("p", { class: "why" }, h("strong", {}, "Why: "), pending.why ?? "no reason given"),
    inputs(offer.rule, offer.inputs),
    outcomes(pending, onRecorded, [
      ["Accept offer", "accept-offer", answer("retention-offer-accepted"), "Offer accepted."],
      ["Decline offer", "decline-offer", answer("retention-offer-declined"), "Offer declined.", "secondary"],
    ]));
}

/**
 * The desk's outcome buttons, each recording one touchpoint. A refusal is shown, and the customer
 * read again when it says the situation changed (the offer answered or expired meanwhile), so that
 * no stale button stays.
 */
function outcomes(pending, onRecorded, choices) {
  const buttons = choices.map(([label, id, touchpoint, done, style]) =>
    h("button", { type: "button", id, class: style ?? "", onclick: () => record(touchpoint, done) }, label));
  async function record(touchpoint, done) {
    buttons.forEach(b => (b.disabled = true));
    clearError();
    announce("Recording the outcome…");
    try {
      // Dated by the service's clock, not before the request it answers nor the offer (the service
      // refuses such answers), which a sender's clock running ahead may have dated later than now
      // (a millisecond after: their times may carry digits a Date drops).
      const bounds = [pending.requestedAt, pending.offer?.madeAt].map(t => Date.parse(t)).filter(Number.isFinite);
      const notBefore = Math.max(0, ...bounds) + 1;
      const answeredAt = new Date(Math.max(serviceNow(), notBefore));
      await postJson("/api/touchpoints", { ...touchpoint, touchpointId: newId(), occurredAt: answeredAt.toISOString() });
      announce(done);
      await onRecorded();
    } catch (error) {
      announce("");
      showError(error, "Recording the outcome");
      if (error instanceof ApiError && (error.status === 404 || error.status === 409)) await onRecorded();
      else buttons.forEach(b => (b.disabled = false));
    }
  }
  return h("div", { class: "row" }, buttons);
}

function inputs(rule, values) {
  if (!values || Object.keys(values).length === 0) return "";
  return h("details", {}, h("summary", {}, "Inputs of the decision"),
    rule ? h("p", { class: "rule" }, h("strong", {}, "Rule: "), rule) : "",
    h("dl", { class: "inputs" }, Object.entries(values).flatMap(([k, v]) => [h("dt", {}, label(k)), h("dd", {}, figureOf(k, v))])));
}

// crypto.randomUUID exists only in secure contexts (https, localhost); getRandomValues everywhere.
function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "desk-" + [...bytes].map(b => b.toString(16).padStart(2, "0")).join("");
}
