// Talks to the EventCrm API with the session's key and turns refusals into readable messages.
const KeyName = "eventcrm.apiKey";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export const apiKey = {
  get: () => sessionStorage.getItem(KeyName),
  set: key => sessionStorage.setItem(KeyName, key),
  clear: () => sessionStorage.removeItem(KeyName),
};

let askForKey = async () => { throw new Error("no key prompt installed"); };

/** The page installs how to ask for a key (a dialog); called on first use and after a 401. */
export function onKeyNeeded(prompt) { askForKey = prompt; }

export async function getJson(path) { return call("GET", path); }

export async function postJson(path, body) { return call("POST", path, body); }

export async function deleteResource(path) { return call("DELETE", path); }

// The service refuses touchpoints dated more than 5 minutes after its own clock, and a desk
// computer's clock may run ahead: what the desk records is dated by the service's clock, as every
// answer's Date header gives it. Within 2 s of it, this computer's own clock is kept (it has the
// milliseconds the header drops).
const ClockSkewKeptUnderMs = 2000;
let serviceClockAhead = 0;

function noteServiceClock(response) {
  const told = Date.parse(response.headers.get("Date") ?? "");
  if (!Number.isFinite(told)) return;
  const ahead = told + 500 - Date.now();   // the header drops the milliseconds: half a second on average
  serviceClockAhead = Math.abs(ahead) > ClockSkewKeptUnderMs ? ahead : 0;
}

/** Now, by the service's clock as its last answer told it (this computer's, when they agree within 2 s). */
export function serviceNow() { return Date.now() + serviceClockAhead; }

let caller = { key: null, answer: null };

/**
 * Whether the session's key may use an endpoint group (GET /api/keys/me), asked once per key;
 * whenUnknown when it cannot be told (a link may be left out then, a desk's buttons not).
 */
export function mayUse(group, whenUnknown = false) {
  const key = apiKey.get();
  if (caller.key !== key || !caller.answer) caller = { key, answer: getJson("/api/keys/me") };
  return caller.answer.then(me => me.groups.includes(group), () => {
    caller.answer = null;   // asked again next time: a moment's 503 must not hide the link for the session
    return whenUnknown;
  });
}

// A 503 (the database out for a moment) asks to come back after Retry-After: a read is sent again
// a few times before the page shows the refusal. Writes are left to the user, who sees why.
const BusyRetries = 3;
const LongestWaitSeconds = 10;

async function call(method, path, body, retried = false, busyRetries = 0) {
  if (!apiKey.get()) await askForKey(null);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: { "X-Api-Key": apiKey.get() ?? "", Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    // No answer at all (the service stopped, the network down): the browser's "Failed to fetch" tells a user nothing.
    if (error instanceof TypeError) throw new ApiError(0, unreachable(method));
    throw error;
  }
  noteServiceClock(response);
  if (response.ok) {
    if (busyRetries > 0) window.dispatchEvent(new CustomEvent("eventcrm:answered"));
    return response.status === 204 ? null : response.json();
  }

  const problem = await readProblem(response);
  if (response.status === 503 && method === "GET" && busyRetries < BusyRetries) {
    const seconds = Math.min(LongestWaitSeconds, Math.max(1, Number(response.headers.get("Retry-After")) || 2));
    window.dispatchEvent(new CustomEvent("eventcrm:busy", { detail: { seconds } }));
    await new Promise(resolve => setTimeout(resolve, seconds * 1000));
    return call(method, path, body, retried, busyRetries + 1);
  }
  if (busyRetries > 0) window.dispatchEvent(new CustomEvent("eventcrm:gave-up"));
  if (response.status === 401) apiKey.clear();
  if (response.status === 401 && !retried) {
    await askForKey(problem);
    return call(method, path, body, true, busyRetries);
  }
  throw new ApiError(response.status, problem);
}

// A write that got no answer may have reached the service before the line dropped: the user is told to look before sending it again.
const unreachable = method => ({
  title: "The service cannot be reached",
  detail: "No answer from the EventCrm service: it may be stopped or restarting, or the network is down. " + (method === "GET"
    ? "What the page shows may be out of date: try again in a moment."
    : "Whether this was recorded is not known: once the service answers again, read the page again (Refresh) before trying once more."),
});

async function readProblem(response) {
  const text = await response.text();
  try {
    const json = JSON.parse(text);
    if (json && typeof json === "object") return { status: response.status, ...json };
  } catch { /* not JSON: a plain answer */ }
  return { status: response.status, title: response.statusText || `HTTP ${response.status}`, detail: text.slice(0, 300) };
}
