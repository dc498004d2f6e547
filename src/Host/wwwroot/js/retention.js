// The pending cancellation: the service's recommended action, its reason, and the desk's outcome buttons.
import { ApiError, getJson } from "./api.js";
import { h, amount, figureOf, label, when, showError, announce } from "./ui.js";
import { outcomes, replacePanel } from "./outcomes.js";

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
 * (the decision is a new timeline entry). The client is { id, name }: the outcomes' questions name it.
 */
export async function showRetention(client, still, onChanged, attempt = 0, ofRound = nextRound(client.id)) {
  const id = client.id;
  const current = () => still() && ofRound === rounds.get(id);
  const body = document.getElementById("retention-body");
  let retention;
  try {
    retention = await getJson(`/api/customers/${encodeURIComponent(id)}/retention`);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    if (current()) replacePanel(body, h("p", { class: "muted" }, error.problem?.detail ?? "No such customer."));
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
    replacePanel(body, h("p", { id: "retention-none" }, "No pending cancellation.",
      retention.state === "retained" ? " The customer was retained." : ""));
    return;
  }
  replacePanel(body, ...describe(pending, client, afterOutcome(still, onChanged), attempt >= PollAtMost));
  if (pending.decision === "assessing") {
    setTimeout(() => showRetention(client, still, onChanged, attempt + 1, ofRound).catch(error => showError(error, "Retention")),
      attempt < PollAtMost ? PollEveryMs : SlowPollEveryMs);
  }
}

// The outcome's buttons go with the panel read again after it: the keyboard is put on the panel's
// heading (the status line says what was recorded), unless the user has moved on meanwhile. The
// customer's section having it is no move: a double click's second click, on the disabled confirm, gives it there.
const afterOutcome = (still, onChanged) => async () => {
  await onChanged();
  const focused = document.activeElement;
  const left = !focused || focused === document.body || focused.id === "customer" || !focused.isConnected;
  if (still() && left) document.getElementById("retention-title").focus();
};

function describe(pending, client, onRecorded, slow) {
  const requested = h("p", {}, "Cancellation requested ", h("time", { datetime: pending.requestedAt }, when(pending.requestedAt)),
    pending.reason ? ` – “${pending.reason}”` : "");
  switch (pending.decision) {
    case "assessing":
      return [requested, h("p", { class: "decision", "aria-busy": "true" }, "Assessing the request…"),
        slow ? h("p", { class: "muted", id: "assessing-slowly" },
          "Still being assessed after a minute: the service is catching up (after a start, or with many requests). This panel keeps checking.") : ""];
    case "offer-made":
      return [requested, offerMade(pending, client, onRecorded)];
    case "no-offer":
      return [requested,
        h("p", { class: "decision decision-no-offer" }, "Recommended action: ", h("strong", {}, "no offer")),
        h("p", { class: "why" }, h("strong", {}, "Why: "), pending.why ?? "no reason given"),
        inputs(pending.rule, pending.inputs),
        outcomes(pending, onRecorded, [{
          label: "Let the client go", id: "let-go", churns: true, done: "Departure recorded.",
          touchpoint: { type: "churned", customerId: client.id, reason: "let go: no retention offer" },
          question: `Let ${client.name} go without an offer?`, consequence: "The client will be recorded as churned.", confirm: "Yes, let the client go",
        }])];
    default:
      return [requested, h("p", { class: "decision" }, `Decision: ${pending.decision}`), h("p", { class: "why" }, pending.why ?? "")];
  }
}

function offerMade(pending, client, onRecorded) {
  const offer = pending.offer;
  const answer = type => ({ type, customerId: client.id, offerId: offer.offerId });
  return h("div", { class: "offer" },
    h("p", { class: "decision decision-offer" }, "Recommended action: ", h("strong", {}, `retention offer of ${amount(offer.amount)}`)),
    h("p", { class: "muted" }, `Costs ${amount(offer.cost)} · expires ${when(offer.expiresAt)}`),
    h("p", { class: "why" }, h("strong", {}, "Why: "), pending.why ?? "no reason given"),
    inputs(offer.rule, offer.inputs),
    outcomes(pending, onRecorded, [{
      label: "Accept offer", id: "accept-offer", touchpoint: answer("retention-offer-accepted"), done: "Offer accepted.",
      question: `Accept the offer of ${amount(offer.amount)} for ${client.name}?`, confirm: "Yes, accept the offer",
      consequence: `The client will be recorded as retained, and the offer's cost ${amount(offer.cost)} becomes a retention cost.`,
    }, {
      label: "Decline offer", id: "decline-offer", style: "secondary", churns: true, touchpoint: answer("retention-offer-declined"), done: "Offer declined.",
      question: `Decline the offer of ${amount(offer.amount)} for ${client.name}?`, confirm: "Yes, decline the offer",
      consequence: "The client will be recorded as churned.",
    }]));
}

function inputs(rule, values) {
  if (!values || Object.keys(values).length === 0) return "";
  return h("details", {}, h("summary", {}, "Inputs of the decision"),
    rule ? h("p", { class: "rule" }, h("strong", {}, "Rule: "), rule) : "",
    h("dl", { class: "inputs" }, Object.entries(values).flatMap(([k, v]) => [h("dt", {}, label(k)), h("dd", {}, figureOf(k, v))])));
}
