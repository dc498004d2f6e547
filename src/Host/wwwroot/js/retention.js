// The retention panel of the open client: asks the service for its decision on a pending cancellation (again, while it assesses or records an expiry) and shows it (decision.js).
import { ApiError, getJson, mayUse } from "./api.js";
import { h, amount, showError, clearErrorOf, announce } from "./ui.js";
import { replacePanel } from "./outcomes.js";
import { hasLapsed, announceLapse } from "./offer-clock.js";
import { describe } from "./decision.js";
import { codeWords } from "./words.js";
import { offerNext } from "./worklist.js";
import { valueAssessed } from "./value-then.js";

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
  valueAssessed(null, null);
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
  let retention, mayRecord;
  try {
    // Outcomes are appended: a key that may only read (an auditor's) is shown the decision without its buttons.
    [retention, mayRecord] = await Promise.all([getJson(`/api/customers/${encodeURIComponent(id)}/retention`), mayUse("append", true)]);
  } catch (error) {
    if (!current()) return;   // a newer read (or another client) has the panel: its answer is the one shown
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    clearErrorOf("Retention");
    valueAssessed(id, null);
    show(() => h("p", { class: "muted" }, error.problem?.detail ?? "No such customer."));
    return;
  }
  if (!current()) return;
  // Read: an earlier failure of the panel no longer holds (its entry went only with this, not with another part's success).
  clearErrorOf("Retention");
  const pending = retention.pending;
  // The Current value card says whether the value now is the one this decision was made on.
  valueAssessed(id, pending);
  if (waited && awaited(pending) !== waited.what) {
    announce(!pending ? `The cancellation is no longer pending: the client is ${codeWords(retention.state)}.`
      : pending.decision === "offer-made" ? `Recommended action: retention offer of ${amount(pending.offer.amount)}.` : "Recommended action: no offer.");
    return onChanged();
  }
  if (!pending) {
    // Answered (here or at another desk): the next client of the work list is one key away (offerNext).
    show(() => [h("p", { id: "retention-none" }, "No pending cancellation.",
      retention.state === "retained" ? " The customer was retained." : ""), h("p", { id: "next-client" })]);
    offerNext();
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
    announceLapse("The offer has lapsed: it can no longer be accepted or declined.", { open: true });
    askAgain("expiry", 0);
  };
  const panel = { onRecorded: afterOutcome(still, onChanged), mayRecord, slow: attempt >= PollAtMost, onLapse: lapse, later };
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
