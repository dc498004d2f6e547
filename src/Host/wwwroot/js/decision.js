// What the retention panel shows of a pending cancellation: the service's recommended action, its
// reason and inputs, an offer's time left, and the desk's outcome buttons.
import { ApiError, getJson } from "./api.js";
import { h, amount, count, figureOf, label, when } from "./ui.js";
import { outcomes } from "./outcomes.js";
import { countdown, hasLapsed } from "./offer-clock.js";
import { codeWords, inputLabel, ruleWords } from "./words.js";
import { whyWords } from "./why.js";

/**
 * The panel's content for a pending cancellation, by the service's decision. panel: { onRecorded (after
 * an outcome), mayRecord (the key may record outcomes), slow (asked for a minute already), onLapse (at
 * the offer's end), later (the panel's timers) }.
 */
export function describe(pending, client, { onRecorded, mayRecord, slow, onLapse, later }) {
  // Buttons a key may not use would end, past their confirm, in a 403: the decision is shown without them. A refusal of
  // the service (404, 409) is said as decided meanwhile when the retention, read again, shows the request answered.
  const decide = choices => mayRecord ? outcomes(pending, onRecorded, choices, () => decidedMeanwhile(pending, client))
    : h("p", { class: "muted", id: "outcomes-read-only" }, "This API key may read the decision but not record its outcome (that takes a desk key).");
  const requested = h("p", {}, "Cancellation requested ", h("time", { datetime: pending.requestedAt }, when(pending.requestedAt)),
    pending.reason ? ` – “${pending.reason}”` : "");
  switch (pending.decision) {
    case "assessing":
      return [requested, h("p", { class: "decision", "aria-busy": "true" }, "Assessing the request…"),
        slow ? h("p", { class: "muted", id: "assessing-slowly" },
          "Still being assessed after a minute: the service is catching up (after a start, or with many requests). This panel keeps checking.") : ""];
    case "offer-made":
      return [requested, hasLapsed(pending.offer) ? lapsedOffer(pending.offer, slow) : offerMade(pending, client, decide, onLapse, later)];
    case "no-offer":
      return [requested,
        h("p", { class: "decision decision-no-offer" }, "Recommended action: ", h("strong", {}, "no offer")),
        h("p", { class: "why" }, h("strong", {}, "Why: "), whyWords(pending)),
        inputs(pending.rule, pending.inputs),
        decide(settling(pending, client, { goes: "Let the client go", question: `Let ${client.name} go without an offer?`,
          confirm: "Yes, let the client go", churned: "let go: no retention offer", stays: "stays: no retention offer" }))];
    case "not-assessed":
      // History (recorded long after it happened, say by an import): the service makes no offer; the desk records how it ended.
      return [requested,
        h("p", { class: "decision decision-no-offer" }, "Not assessed: ", h("strong", {}, "a request from the history")),
        h("p", { class: "why" }, h("strong", {}, "Why: "), pending.why ?? ""),
        decide(settling(pending, client, { goes: "The client left", question: `Record that ${client.name} left?`,
          confirm: "Yes, the client left", churned: "left: request from the history", stays: "stayed: request from the history" }))];
    default:
      return [requested, h("p", { class: "decision" }, `Decision: ${codeWords(pending.decision)}`), h("p", { class: "why" }, pending.why ?? "")];
  }
}

/** The two outcomes that settle a request no offer answers: the client goes (churned) or stays (request withdrawn). */
function settling(pending, client, words) {
  return [{
    // Irreversible, and the client lost: outlined in red, never the filled main button (that is "Client stays").
    label: words.goes, id: "let-go", style: "secondary danger", churns: true, done: "Departure recorded.",
    // Naming the request it answers: the service refuses the churn once a colleague has answered it (409).
    touchpoint: { type: "churned", customerId: client.id, cancellationTouchpointId: pending.cancellationTouchpointId, reason: words.churned },
    stillOpen: () => stillAsking(pending, client),
    question: words.question, consequence: "The client will be recorded as churned.", confirm: words.confirm,
  }, {
    // The client withdraws the request (talked out of it by the desk): active again, at no cost.
    label: "Client stays", id: "client-stays", done: "The client stays: request withdrawn.",
    touchpoint: { type: "cancellation-withdrawn", customerId: client.id, cancellationTouchpointId: pending.cancellationTouchpointId, reason: words.stays },
    question: `Record that ${client.name} stays?`, confirm: "Yes, the client stays",
    consequence: "The request to cancel will be recorded as withdrawn and the client as active again, at no cost.",
  }];
}

// Just before the churn is sent, the request shown must still be the one pending; otherwise nothing is sent and the
// desk is told why. The service closes the race that remains (a colleague answering between this read and the
// write): the churn names the request, and is refused once it is answered, in words by problem-words.js.
// The refusal is the page's own, nothing having been sent: it carries no HTTP status to show (a "(409)" read as the
// service's answer), only the 409 that has the panel read again.
async function stillAsking(pending, client) {
  const decided = await decidedMeanwhile(pending, client);
  if (decided) throw new ApiError(409, { title: decided.title, checkedHere: true, detail: decided.words, statusLine: decided.statusLine });
}

/**
 * Whether the request the panel showed was decided since it was read (a colleague's answer, the client asking again), as
 * the client's retention says now: { title, words, statusLine } for the error region and the status line, or null while
 * it is still the one pending. Asked before a churn is sent, and after any outcome the service refused (404, 409): two
 * desks confirming together, the second one's answer to the offer came back "Not found (404)", a technical fault to
 * the eye, and the status line said nothing (until 2026-12-08).
 */
async function decidedMeanwhile(pending, client) {
  const now = await getJson(`/api/customers/${encodeURIComponent(client.id)}/retention`);
  if (now.pending && now.pending.cancellationTouchpointId === pending.cancellationTouchpointId) return null;
  const state = codeWords(now.state);
  return now.pending
    ? { title: "Decided meanwhile",
      words: `${client.name} has asked to cancel again since this panel was read. Nothing was recorded: decide on the request the panel, read again, shows now.`,
      statusLine: `Nothing was recorded: ${client.name} has asked to cancel again since; the panel shows the new request.` }
    : { title: "Decided meanwhile",
      words: `${client.name} is no longer asking to cancel (now ${state}): an outcome was recorded meanwhile, at another desk say. ` +
        "Nothing was recorded: the retention panel, read again, shows the client as it is now, and its timeline what was recorded.",
      statusLine: `Nothing was recorded: ${client.name} was answered meanwhile and is now ${state}.` };
}

function offerMade(pending, client, decide, onLapse, later) {
  const offer = pending.offer;
  const answer = type => ({ type, customerId: client.id, offerId: offer.offerId });
  return h("div", { class: "offer" },
    h("p", { class: "decision decision-offer" }, "Recommended action: ", h("strong", {}, `retention offer of ${amount(offer.amount)}`)),
    h("p", { class: "muted" }, `Costs ${amount(offer.cost)} · `, countdown(offer, later, onLapse),
      " (", h("time", { datetime: offer.expiresAt }, when(offer.expiresAt)), ")"),
    h("p", { class: "why" }, h("strong", {}, "Why: "), whyWords(pending)),
    inputs(offer.rule, offer.inputs, sizing(offer)),
    decide([{
      label: "Accept offer", id: "accept-offer", touchpoint: answer("retention-offer-accepted"), done: "Offer accepted.",
      question: `Accept the offer of ${amount(offer.amount)} for ${client.name}?`, confirm: "Yes, accept the offer",
      consequence: `The client will be recorded as retained, and the offer's cost ${amount(offer.cost)} becomes a retention cost.`,
    }, {
      // The client lost as with "Let the client go": outlined in red as it is.
      label: "Decline offer", id: "decline-offer", style: "secondary danger", churns: true, touchpoint: answer("retention-offer-declined"), done: "Offer declined.",
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

// The rule says "60 % of a cap of 20 % of the expected remaining margin" but not of how much: the agent on the
// phone sees the sum itself on the line that opens the inputs (no line more: the desk fits a laptop), each factor
// said in words inside (docs/retention.md, "The policy").
function sizing({ amount: offered, inputs: v, tier: sizedBy, rule }) {
  if (![v?.expectedRemainingMargin, v?.offerCapShare, v?.tierShare].every(n => typeof n === "number")) return null;
  const [margin, cap, tier] = [amount(v.expectedRemainingMargin), figureOf("offerCapShare", v.offerCapShare), figureOf("tierShare", v.tierShare)];
  // An offer cut to what the offers accepted within the window left of the cap (since 2026-12-07, evening): the product
  // is not the offer, and the line says what it was cut to.
  const share = Math.round(v.expectedRemainingMargin * v.offerCapShare * v.tierShare * 100) / 100;
  const cut = typeof v.capLeft === "number" && offered < share;
  return {
    summary: h("span", { id: "offer-sizing" }, `How much: ${margin} × ${cap} × ${tier} = ` +
      (cut ? `${amount(share)}, cut to the ${amount(offered)} left of the cap` : amount(offered))),
    words: h("p", { id: "offer-sizing-words" }, `${margin}: the margin the client was expected to bring from then on when the request was assessed (the Current value card shows the value now); ` +
      `${cap}: the cap, ${capMeaning(v)}; ${tier}: the share of the cap the client's ${retentionTier(sizedBy, rule, v)} gets. ` +
      (typeof v.spentWithinCapWindow === "number" && v.spentWithinCapWindow > 0
        ? `Offers accepted within that window had already spent ${amount(v.spentWithinCapWindow)} of the cap. ` : "") +
      RetentionTierIsNotValueTier),
  };
}

// What the cap holds for: since 2026-12-07 (evening) the offers accepted within the window together, whose length the
// decision records; a decision recorded before reads as it did.
const capMeaning = v => typeof v.capWindowDays === "number"
  ? `the most the offers accepted within ${count(v.capWindowDays)} days may cost of that margin together`
  : "the most an offer may cost of that margin";

// Two vocabularies of tiers meet on the desk: the cards' value tier ranks the client among all clients (low, medium,
// high: docs/value.md, "Tiers"), the retention policy's tiers (silver, gold ...: docs/retention.md, "The policy") size an offer.
const RetentionTierIsNotValueTier = "Retention tiers size offers by the client's current value; they are not the value tier on the cards (low, medium, high: a rank among all clients).";
// The tier's name as the offer records it (`tier.name`, since 2026-12-07), else as an older answer's rule words it first
// ("silver tier (current value from 1,000): ..."); the inputs give where it starts.
function retentionTier(sizedBy, rule, v) {
  const name = typeof sizedBy?.name === "string" ? sizedBy.name : /^(\S+) tier \(/.exec(rule ?? "")?.[1];
  const from = typeof v.tierFrom === "number" ? `from a current value of ${count(v.tierFrom)}` : "";
  return `retention tier${name || from ? ` (${[name, from].filter(Boolean).join(", ")})` : ""}`;
}

function inputs(rule, values, sum = null) {
  if (!values || Object.keys(values).length === 0) return "";
  return h("details", {}, h("summary", {}, sum?.summary ?? "Inputs of the decision"),
    sum?.words ?? "",
    rule ? h("p", { class: "rule", title: rule }, h("strong", {}, "Retention rule: "), ruleWords(rule)) : "",
    h("dl", { class: "inputs" }, Object.entries(values).flatMap(([k, v]) => [h("dt", {}, inputLabel(k)), h("dd", {}, figureOf(k, v))])));
}
