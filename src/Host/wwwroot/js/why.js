// The retention panel's "Why:" sentence in the reader's notation. The service writes it with its figures in English
// notation ("Offer 2,181.82 to keep the client ..."), in the middle of a page whose every other figure is the reader's
// (2.181,82 in German): the page says it again from the decision's own figures, an offer's tier (and what accepted offers
// had spent of the cap), a no-offer's rule code and inputs, in the service's words (src/Relationship/Retention: RetentionAssessment, OfferReason). A decision whose
// figures are not all there, or whose rule the page does not know, keeps the service's sentence.
import { amount, count, percent } from "./ui.js";

const number = value => typeof value === "number";

// A no-offer's rule code, then its sentence from the inputs recorded with it (null when one is missing).
const NoOffer = {
  "negative-value": v => number(v.currentValue) &&
    `The client costs more than it brings (current value ${amount(v.currentValue)}): a costly offer would only deepen the loss.`,
  "below-minimum": v => number(v.currentValue) && number(v.minimumCurrentValue) &&
    `Current value ${amount(v.currentValue)} is below the ${amount(v.minimumCurrentValue)} minimum for any retention offer.`,
  "no-tier": v => number(v.currentValue) && `Current value ${amount(v.currentValue)} reaches no retention tier of the policy.`,
  "no-margin": v => number(v.expectedRemainingMargin) &&
    `No margin is expected from the client any more (expected remaining margin ${amount(v.expectedRemainingMargin)}).`,
  // Since 2026-12-07 (evening): the offers accepted within the window took the whole cap, margin x cap share.
  "cap-spent": v => [v.spentWithinCapWindow, v.capWindowDays, v.expectedRemainingMargin, v.offerCapShare].every(number) &&
    `Already spent ${amount(v.spentWithinCapWindow)} on this client within the window (${count(v.capWindowDays)} days): nothing is left of the cap ` +
    `of ${amount(cents(v.expectedRemainingMargin * v.offerCapShare))} (${percent(v.offerCapShare)} of the expected remaining margin ` +
    `${amount(v.expectedRemainingMargin)}) for another offer.`,
};

const cents = value => Math.round(value * 100) / 100;

/** The sentence for a pending decision: an offer's, a no-offer's, else the service's own. */
export function whyWords(pending) {
  const said = pending.decision === "offer-made" ? offerWhy(pending.offer) : noOfferWhy(pending.rule, pending.inputs ?? {});
  return said || pending.why || "no reason given";
}

// An offer's sentence from its tier's figures (`tier`, answered since 2026-12-07) and its `formula` (since 2026-12-07,
// afternoon; before, the rule's documented ending " (formula NAME@VERSION)"): whatever the rule's wording, nothing is read
// from its words.
function offerWhy(offer) {
  const tier = offer?.tier ?? tierInWords(offer);
  if (typeof tier?.name !== "string" || ![offer.amount, tier.from, tier.share, tier.capShare].every(number)) return null;
  return `Offer ${amount(offer.amount)} to keep the client: the client is in the ${tier.name} retention tier (current value from ${count(tier.from)}), ` +
    `whose rule is to offer ${percent(tier.share)} of a cap of ${percent(tier.capShare)} of the expected remaining margin${formulaOf(offer)}` +
    `${alreadySpent(offer)}.`;
}

/**
 * What accepted offers within the cap window had spent when the offer was made (inputs recorded since 2026-12-07,
 * evening): "; already spent 248.28 on this client within the window (365 days), leaving 27.60 of the cap: the offer is
 * all that is left". Nothing for an offer made with nothing spent, or recorded before.
 */
export function alreadySpent(offer) {
  const v = offer?.inputs ?? {};
  if (![v.spentWithinCapWindow, v.capWindowDays, v.capLeft].every(number) || v.spentWithinCapWindow <= 0) return "";
  return `; already spent ${amount(v.spentWithinCapWindow)} on this client within the window (${count(v.capWindowDays)} days), ` +
    `leaving ${amount(v.capLeft)} of the cap${offer.amount >= v.capLeft ? ": the offer is all that is left" : ""}`;
}

// An answer without `tier` (a service before 2026-12-07): the tier's name from the rule of the wording offers had then,
// "gold tier (current value from 5,000): offer 60 % of a cap of 20 % of the expected remaining margin (formula retention-ltv@0)",
// its figures from the inputs recorded with it. A rule of another wording gives none.
const OfferRule = /^(\S+) tier \(current value from [\d,.]+\): offer [\d.]+ % of a cap of [\d.]+ % of the expected remaining margin( \(formula [^)]*\))?$/;
function tierInWords(offer) {
  const v = offer?.inputs ?? {};
  const [, name] = OfferRule.exec(offer?.rule ?? "") ?? [];
  return name ? { name, from: v.tierFrom, share: v.tierShare, capShare: v.offerCapShare } : null;
}

const formulaOf = offer => typeof offer.formula === "string"
  ? ` (formula ${offer.formula})`
  : / \(formula [^)]*\)$/.exec(offer.rule ?? "")?.[0] ?? "";

function noOfferWhy(rule, inputs) {
  const [, code] = /^([a-z]+(?:-[a-z]+)*)(?: \(formula [^)]*\))?$/.exec(rule ?? "") ?? [];
  return NoOffer[code]?.(inputs) || null;
}
