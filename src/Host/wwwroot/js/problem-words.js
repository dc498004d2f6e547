// A refusal's detail said for people. The service writes its problems for programs as well (parameter names,
// ISO 8601 moments to the tenth of a microsecond: "not known at knownAt 2025-03-31T23:59:59.9999999+00:00");
// the page says which date that is and what it means, and keeps the service's own words one click away.

// The audit page's dates are UTC days: an "as of" or "known at" date is the end of that day, UTC.
const utcDay = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
const utcMoment = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone: "UTC", timeZoneName: "short" });
const Iso = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)/g;
const isEndOfDay = iso => /T23:59:59\.9+/.test(iso) && /(Z|\+00:00)$/.test(iso);
const moment = iso => isEndOfDay(iso) ? `the end of ${utcDay.format(new Date(iso))} (UTC)` : utcMoment.format(new Date(iso));
// The audit form's own labels for the query's parameters.
const Parameters = { knownAt: "“As known at” date", asOf: "“As of” date" };
// The same names sent by another form are its own fields: a replay's asOf is its “Valued as of” date (called the value
// form's “As of” until 2026-12-07). Keyed by the part of the page that failed, as the error region names it.
const ParametersOf = { Replay: { asOf: "“Valued as of” date" } };

// Problems the page explains whole: what was asked, what it means, what to do.
const Explained = [
  [/^Customer '(.+)' was not known at knownAt (\S+): its first touchpoint was recorded at (\S+?)\.?$/, (id, knownAt, first) =>
    `Customer ${id} was not yet in the records at ${moment(knownAt)}, the “As known at” date asked: nothing about them had been ` +
    `recorded by then. Their first touchpoint was recorded on ${utcMoment.format(new Date(first))}: choose an “As known at” date ` +
    `on or after ${utcDay.format(new Date(first))}, or leave it empty for what is known now.`],
];

// The KPIs' period (portfolio page): its form's days are both included, so the service's `to` is the day after the "To" date.
const dayBefore = isoDay => utcDay.format(new Date(Date.parse(`${isoDay}T00:00:00Z`) - 86_400_000));
const Period = [
  [/^from must not be after to$/, () =>
    "The period starts after it ends: choose a “From” date on or before the “To” date."],
  [/^(?:to )?must not be after (\d{4}-\d\d-\d\d) \(the start of the day after today, where the day has begun\): nothing is known of days to come$/, latest =>
    `The “To” date is after today: nothing is known of days to come. Choose ${dayBefore(latest)} or earlier (today, where the day has begun).`],
  [/^to must not be before (\d{4}-\d\d-\d\d): no touchpoint occurred earlier$/, earliest =>
    `The period ends before ${utcDay.format(new Date(`${earliest}T00:00:00Z`))}: no touchpoint occurred earlier. Choose a later “To” date.`],
  [/^from must be at most (\d+) years before to$/, years =>
    `The period is longer than ${years} years (the figures follow a cohort for each of its months): choose a “From” date at most ${years} years before the “To” date.`],
  [/^(from |to )?must be yyyy-MM-dd \(the start of that day, UTC\)/, name =>
    `The ${name === "from " ? "“From”" : "“To”"} date cannot be read as a day: give a full date, year, month and day.`],
];
Explained.push(...Period);

// The desk's outcomes refused because the client was answered meanwhile (docs/retention.md, "The workflow", 4): the
// service names the offer and the client by their ids; the desk is told what happened and that nothing was recorded.
const Meanwhile = "Nothing was recorded: the retention panel, read again, shows the client as it is now, and its timeline what was recorded.";
const Outcomes = [
  [/^offer '[^']*' is not an open retention offer of customer '[^']*' \(unknown, already answered or expired\)/, () =>
    `This offer can no longer be answered: it was accepted or declined meanwhile (at another desk, say), it expired, or the client left. ${Meanwhile}`],
  [/^customer '[^']*' has no pending request to cancel \(state: ([a-z-]+)\): there is nothing to withdraw/, state =>
    `The client is no longer asking to cancel (now ${state.replace(/-/g, " ")}): an outcome was recorded meanwhile, at another desk say. ${Meanwhile}`],
  // "Let the client go" names the request it answers; the service refuses it once that request is answered or superseded.
  [/^request to cancel '[^']*' of customer '[^']*' is no longer pending: '[a-z-]+' at \S+ decided it \(state: ([a-z-]+)\)/, state =>
    `The client is no longer asking to cancel (now ${state.replace(/-/g, " ")}): an outcome was recorded meanwhile, at another desk say. ${Meanwhile}`],
  [/^request to cancel '[^']*' of customer '[^']*' is no longer pending: the client asked again since/, () =>
    "The client has asked to cancel again since this panel was read. Nothing was recorded: decide on the request the panel, read again, shows now."],
];
Explained.push(...Outcomes);

// The service's 503s tell a program when to send the request again and what a touchpoint sent again does; a person is
// told what happened and to try again (a read the page makes asks again by itself first: js/api.js).
const Unavailable = [
  [/^The database is unavailable\. Send the request again in \d+ seconds?;/, () =>
    "The service cannot reach its database; nothing was read or recorded. Try again in a few seconds."],
  [/^Every database connection of this node is in use .* Send the request again in \d+ seconds?;/, () =>
    "The service is too busy to reach its database (every connection is in use); nothing was read or recorded. Try again in a few seconds."],
  [/^The database took too long to answer a statement of this request .* Send the request again in \d+ seconds?;/, () =>
    "The database took too long to answer and the service gave up; nothing was read or recorded. Try again in a few seconds."],
  [/^A database connection of this node had lost track .* Send the request again in \d+ seconds?;/, () =>
    "The service lost its connection to the database for a moment; nothing was read or recorded. Try again."],
  [/ Send the request again in \d+ seconds?; nothing of it was appended\.$/, () =>
    "The service is too busy to take touchpoints at this moment; nothing was recorded. Try again in a few seconds."],
  // "Customer busy" (src/Host/Touchpoints/CustomerBusy.cs): another transaction holds the client's stream (an outcome
  // recorded at another desk, an import, an erasure) for over 2 s.
  [/^The stream of (?:customer \S+ is|one of the customers .+ is) locked by another transaction .*: the customer is busy\. Nothing was appended\. Send the request again in \d+ seconds?;/, () =>
    "Someone else is recording something for this client at this moment; nothing was recorded. Try again in a few seconds."],
  // A 409 of the same kind: writes on the client kept colliding (src/Host/Touchpoints/PostTouchpoints.cs).
  [/^Too many concurrent writes on the same customers\. Nothing was appended\. Retry the request\.$/, () =>
    "Other changes to this client were being recorded at the same moment; nothing was recorded. Try again."],
  // The audit page's replays: as many unfinished as the service keeps (src/Host/Replays/ReplayQueueFullException.cs).
  [/^[\d,.\s]+ replays are unfinished \(computing or waiting their turn\), the most this service keeps .* nothing was started\.$/, () =>
    "As many replays as the service keeps are still computing or waiting their turn; nothing was started. Start this one " +
    "once one of them has completed (the replays listed say which are running)."],
  // The portfolio page when the latest valuation failed (src/Host/Portfolio/PortfolioValuationFailedException.cs): the one
  // before is not shown as today's. Why first (read ahead): the groups after the first are dates.
  [/^(?=.*? failed \((.+?)\)\. The last one that completed, )The latest valuation of the portfolio, begun at (\S+), failed .* Ask again after Retry-After seconds\.$/s,
    (why, begun) => `The service could not value the portfolio (the valuation begun ${Number.isNaN(Date.parse(begun)) ? begun : utcMoment.format(new Date(begun))} ` +
      `failed: ${why}), and does not show the one before as today's figures. It is trying again: reload the page in a minute; if this stays, ` +
      "tell your EventCrm administrator, whose log says why."],
  // The portfolio page while the node values the portfolio after its start (src/Host/Portfolio/PortfolioNotValuedYetException.cs).
  [/^The portfolio is being valued for the first time since this node started \(since (\S+)\): .* Ask again after Retry-After seconds\.$/, since =>
    `The service is valuing the portfolio for the first time since it started (${Number.isNaN(Date.parse(since)) ? since : utcMoment.format(new Date(since))}): ` +
    "every customer once, in the background; the figures come once that is done. Try again in a minute or two."],
];
Explained.push(...Unavailable);

// The customer search (desk and audit page, src/Host/Customers/SearchCustomers.cs): said where the box is too (search.js).
Explained.push([/^search must be at most (\d+) characters$/, most =>
  `A search takes ${most} characters at most, and this text is longer: search by a shorter part of the name, email or id.`]);

/**
 * { text, said }: the detail for people, and whether it differs from the service's own words (then shown beside it).
 * part: the part of the page that asked (the error's context), whose form names the parameters.
 */
export function sayDetail(detail, part = "") {
  if (typeof detail !== "string") return { text: detail, said: false };
  for (const [pattern, explain] of Explained) {
    const found = pattern.exec(detail);
    // A date the page cannot read leaves the explanation out, never the refusal.
    if (found && found.slice(2).every(iso => !Number.isNaN(Date.parse(iso)))) return { text: explain(...found.slice(1)), said: true };
  }
  const names = { ...Parameters, ...ParametersOf[part] };
  const text = detail.replace(Iso, moment).replace(/\b(knownAt|asOf)\b/g, name => `the ${names[name]}`);
  return { text, said: text !== detail };
}
