// The service's machine words (kebab-case codes, field names) said for people: the API's JSON keeps its codes,
// the pages show these (the codes stay in data- attributes and class names for styles and tests).
import { amount, count, label } from "./ui.js";

/** A touchpoint type, a state or a decision code for people: "retention-offer-made" reads "Retention offer made". */
export const codeLabel = code => {
  if (typeof code !== "string" || code === "") return code ?? "";
  const words = code.replace(/-/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** The same, inside a sentence: "cancellation requested". */
export const codeWords = code => (typeof code === "string" ? code.replace(/-/g, " ") : code ?? "");

/** A count with its noun, singular for exactly one: "1 sealed event", "2 sealed events", "0 touchpoints". */
export const counted = (n, singular, plural = `${singular}s`) => `${count(n)} ${n === 1 ? singular : plural}`;

/**
 * A mean of a count (a model's purchases expected) to two decimals with its noun, singular only where the figure reads
 * 1.00: "9.00 purchases" (8.997), "1.00 purchase", "1.23 purchases".
 */
export const countedToHundredths = (n, singular, plural = `${singular}s`) =>
  `${amount(n)} ${typeof n === "number" && Math.round(n * 100) === 100 ? singular : plural}`;

/**
 * A decision's input for people; the policy's tier inputs are named as the retention tier's, never confused with the value
 * tier; its current value as the one assessed, never confused with the "Current value" card's value now (value-then.js).
 */
export const inputLabel = name => name === "currentValue" ? "Current value when assessed"
  : /^tier[A-Z]/.test(name) ? `Retention ${label(name).toLowerCase()}` : label(name);

/** "1 sealed event matches its seal", "3 sealed events match their seals": the verb and pronoun agree with the count. */
export const matchingSeals = (n, noun = "sealed event") =>
  n === 1 ? `${counted(n, noun)} matches its seal` : `${counted(n, noun)} match their seals`;

// The no-offer rules' codes (docs/retention.md, "The policy") in words; an offer's rule is a sentence already.
const NoOfferRules = {
  "negative-value": "no offer to a client who costs more than it brings",
  "below-minimum": "no offer below the minimum current value",
  "no-tier": "no offer below the lowest retention tier",
  "no-margin": "no offer when no margin is expected",
  "cap-spent": "no offer once the offers accepted within the window have spent the cap",
  "value-unavailable": "no offer while the client's value cannot be computed",
};

/** A retention rule for people: "negative-value (formula retention-ltv@0)" reads "no offer to a client who costs more than it brings (formula retention-ltv@0)". */
export const ruleWords = rule => {
  const [, code, formula] = /^([a-z]+(?:-[a-z]+)*)((?: \(formula [^)]*\))?)$/.exec(rule ?? "") ?? [];
  return code ? `${NoOfferRules[code] ?? codeWords(code)}${formula}` : rule ?? "";
};
