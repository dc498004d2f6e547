// The pending cancellation: the service's recommended action, its reason, an offer's time left and the desk's outcome buttons.
import { ApiError, getJson } from "./api.js";
import { h, amount, figureOf, label, when, showError, announce } from "./ui.js";
import { outcomes, replacePanel } from "./outcomes.js";
import { countdown, hasLapsed } from "./offer-clock.js";

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

// The panel's timers (the offer's countdown, the asking again): stopped whenever what the panel
// shows goes, so that none acts on a client or an offer no longer shown.
const timers = new Set();
const later = (act, ms) => {
  const timer = setTimeout(() => { timers.delete(timer); act(); }, ms);
  timers.add(timer);
};
const stopTimers = () => {
  for (const timer of timers) clearTimeout(timer);
  timers.clear();
};
const body = () => document.getElementById("retention-body");
// The timers stop before the new content is built: its countdown starts its own.
const show = build => {
  stopTimers();
  replacePanel(body(), ...[build()].flat());
};

/** Empties the panel and stops its timers: another client is being opened. */
export function clearRetention() {
  stopTimers();
  body().replaceChildren();
}

// What the panel waits for the service to record: its decision, or the expiry of an offer that has lapsed.
const awaited = pending => pending?.decision === "assessing" ? "assessing"
  : pending?.decision === "offer-made" && hasLapsed(pending.offer) ? "expiry" : null;

/**
 * Shows the retention decision; while the service is still assessing, or has not yet recorded the
 * expiry of an offer that lapsed, asks again every second (every five after a minute, saying so),
 * and once it has recorded it, refreshes the whole customer (a new timeline entry). The client is
 * { id, name }: the outcomes' questions name it. waited: { what, attempt } when asking again.
 */
export async function showRetention(client, still, onChanged, waited = null, ofRound = nextRound(client.id)) {
  const id = client.id;
  const current = () => still() && ofRound === rounds.get(id);
  if (waited && !current()) return;
  let retention;
  try {
    retention = await getJson(`/api/customers/${encodeURIComponent(id)}/retention`);
  } catch (error) {
    if (!current()) return;   // a newer read (or another client) has the panel: its answer is the one shown
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    show(() => h("p", { class: "muted" }, error.problem?.detail ?? "No such customer."));
    return;
  }
  if (!current()) return;
  const pending = retention.pending;
  if (waited && awaited(pending) !== waited.what) {
    announce(!pending ? `The cancellation is no longer pending: the client is ${retention.state}.`
      : pending.decision === "offer-made" ? `Recommended action: retention offer of ${amount(pending.offer.amount)}.` : "Recommended action: no offer.");
    return onChanged();
  }
  if (!pending) {
    show(() => h("p", { id: "retention-none" }, "No pending cancellation.",
      retention.state === "retained" ? " The customer was retained." : ""));
    return;
  }
  const attempt = waited?.attempt ?? 0;
  const askAgain = (what, asked) => later(() => showRetention(client, still, onChanged, { what, attempt: asked + 1 }, ofRound)
    .catch(error => showError(error, "Retention")), asked < PollAtMost ? PollEveryMs : SlowPollEveryMs);
  // At expiresAt nothing that answers the offer stays: its buttons and any question go at once, the
  // keyboard, if it was on them, to the heading; the service records the expiry within moments.
  const lapse = () => {
    const hadKeyboard = body().contains(document.activeElement);
    show(() => describe(pending, client, panel));
    if (hadKeyboard) document.getElementById("retention-title").focus();
    announce("The offer has lapsed: it can no longer be accepted or declined.");
    askAgain("expiry", 0);
  };
  const panel = { onRecorded: afterOutcome(still, onChanged), slow: attempt >= PollAtMost, onLapse: lapse };
  show(() => describe(pending, client, panel));
  if (awaited(pending)) askAgain(awaited(pending), attempt);
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

function describe(pending, client, { onRecorded, slow, onLapse }) {
  const requested = h("p", {}, "Cancellation requested ", h("time", { datetime: pending.requestedAt }, when(pending.requestedAt)),
    pending.reason ? ` – “${pending.reason}”` : "");
  switch (pending.decision) {
    case "assessing":
      return [requested, h("p", { class: "decision", "aria-busy": "true" }, "Assessing the request…"),
        slow ? h("p", { class: "muted", id: "assessing-slowly" },
          "Still being assessed after a minute: the service is catching up (after a start, or with many requests). This panel keeps checking.") : ""];
    case "offer-made":
      return [requested, hasLapsed(pending.offer) ? lapsedOffer(pending.offer, slow) : offerMade(pending, client, onRecorded, onLapse)];
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

function offerMade(pending, client, onRecorded, onLapse) {
  const offer = pending.offer;
  const answer = type => ({ type, customerId: client.id, offerId: offer.offerId });
  return h("div", { class: "offer" },
    h("p", { class: "decision decision-offer" }, "Recommended action: ", h("strong", {}, `retention offer of ${amount(offer.amount)}`)),
    h("p", { class: "muted" }, `Costs ${amount(offer.cost)} · `, countdown(offer, later, onLapse),
      " (", h("time", { datetime: offer.expiresAt }, when(offer.expiresAt)), ")"),
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

// Nothing here can be pressed or focused: the panel is read again every second until the expiry is recorded.
function lapsedOffer(offer, slow) {
  return h("div", { class: "offer", id: "offer-lapsed" },
    h("p", { class: "decision decision-lapsed" }, "Offer lapsed: ", h("strong", {}, `retention offer of ${amount(offer.amount)}`)),
    h("p", { "aria-busy": "true" }, "It ended unanswered at ", h("time", { datetime: offer.expiresAt }, when(offer.expiresAt)),
      " and can no longer be accepted or declined. The service is recording its expiry, which churns the client."),
    slow ? h("p", { class: "muted", id: "lapse-recorded-slowly" },
      "Still not recorded after a minute: the service is catching up (after a start, or with many offers ending). This panel keeps checking.") : "");
}

function inputs(rule, values) {
  if (!values || Object.keys(values).length === 0) return "";
  return h("details", {}, h("summary", {}, "Inputs of the decision"),
    rule ? h("p", { class: "rule" }, h("strong", {}, "Rule: "), rule) : "",
    h("dl", { class: "inputs" }, Object.entries(values).flatMap(([k, v]) => [h("dt", {}, label(k)), h("dd", {}, figureOf(k, v))])));
}
