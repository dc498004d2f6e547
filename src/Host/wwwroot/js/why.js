// The retention panel's "Why:" sentence in the reader's notation. The service writes it with its figures in English
// notation ("Offer 2,181.82 to keep the client ..."), in the middle of a page whose every other figure is the reader's
// (2.181,82 in German): the page says it again from the decision's own figures, its rule and inputs, in the service's
// words (src/Relationship/Retention: RetentionAssessment, OfferReason). A decision whose figures are not all there,
// or whose rule the page does not know, keeps the service's sentence.
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
};

/** The sentence for a pending decision: an offer's, a no-offer's, else the service's own. */
export function whyWords(pending) {
  const said = pending.decision === "offer-made" ? offerWhy(pending.offer) : noOfferWhy(pending.rule, pending.inputs ?? {});
  return said || pending.why || "no reason given";
}

// "gold tier (current value from 5,000): offer 60 % of a cap of 20 % of the expected remaining margin (formula retention-ltv@0)":
// the tier's name and the formula from the rule, its figures from the inputs recorded with it.
const OfferRule = /^(\S+) tier \(current value from [\d,.]+\): offer [\d.]+ % of a cap of [\d.]+ % of the expected remaining margin( \(formula [^)]*\))?$/;
function offerWhy(offer) {
  const v = offer?.inputs ?? {};
  const [, tier, formula = ""] = OfferRule.exec(offer?.rule ?? "") ?? [];
  if (!tier || ![offer.amount, v.tierFrom, v.tierShare, v.offerCapShare].every(number)) return null;
  return `Offer ${amount(offer.amount)} to keep the client: the client is in the ${tier} retention tier (current value from ${count(v.tierFrom)}), ` +
    `whose rule is to offer ${percent(v.tierShare)} of a cap of ${percent(v.offerCapShare)} of the expected remaining margin${formula}.`;
}

function noOfferWhy(rule, inputs) {
  const [, code] = /^([a-z]+(?:-[a-z]+)*)(?: \(formula [^)]*\))?$/.exec(rule ?? "") ?? [];
  return NoOffer[code]?.(inputs) || null;
}
