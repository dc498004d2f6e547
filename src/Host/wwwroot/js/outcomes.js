// The desk's outcome buttons. An outcome is an event, never undone (a decline churns the client, an
// acceptance commits the offer's cost): each button first asks, in its place, and only the confirm records.
import { ApiError, postJson, serviceNow } from "./api.js";
import { h, showError, clearErrorOf, announce, setBusy, isBusy } from "./ui.js";

/**
 * choices: { label, id, style, churns, touchpoint, question, consequence, confirm, done, stillOpen }. A refusal is
 * shown, and the customer read again when it says the situation changed (the offer answered or
 * expired meanwhile), so that no stale button stays. stillOpen, when given, is asked just before sending: a
 * refusal (an ApiError) when what the choice answers has changed meanwhile and the service could not tell.
 * decided, asked once the service refused an outcome (404, 409), says what decided the request meanwhile, if anything.
 */
export function outcomes(pending, onRecorded, choices, decided = async () => null) {
  const row = h("div", { class: "row" });
  const place = h("div", { class: "outcomes" }, row);
  for (const choice of choices)
    row.append(h("button", { type: "button", id: choice.id, class: choice.style ?? "", onclick: event => ask(choice, event.currentTarget) }, choice.label));

  // The question takes the buttons' place: the second click of a double click lands on its text,
  // not on its confirm, and no other outcome can be started while one is asked about.
  function ask(choice, pressed) {
    const question = h("p", { id: "outcome-question", tabindex: "-1" }, choice.question, " ", choice.consequence, " This cannot be undone.");
    // A refusal said beside the question, where the eyes are: on a phone the error region was a screen's height above
    // and nothing in sight changed. Not a live region: the error region has read it out already.
    const refused = h("div", { class: "refused", id: "outcome-refused" });
    const confirm = h("button", { type: "button", id: "outcome-confirm", class: choice.churns ? "danger" : "",
      onclick: event => event.detail < 2 && !isBusy(confirm) && send() }, choice.confirm);
    const keep = h("button", { type: "button", class: "secondary", onclick: () => !isBusy(keep) && keepDeciding() }, "Keep deciding");
    const box = h("div", { class: "question", role: "group", "aria-label": "Confirm the outcome", "data-asking": "",
      onkeydown: event => { if (event.key === "Escape" && box.hasAttribute("data-asking")) { event.preventDefault(); keepDeciding(); } } },
      question, h("div", { class: "row" }, confirm, keep));
    const keepDeciding = () => {
      box.remove();
      row.hidden = false;
      pressed.focus();
    };
    // While it is sent the confirm keeps the keyboard (busy, not disabled: disabled dropped it to the page's body).
    const send = async () => {
      box.removeAttribute("data-asking");   // answered: the panel read after it withdraws nothing
      for (const button of [confirm, keep]) setBusy(button, true);
      const outcome = await record(choice);
      if (outcome === true || !box.isConnected) return;
      box.setAttribute("data-asking", "");
      for (const button of [confirm, keep]) setBusy(button, false);
      refused.replaceChildren(h("strong", {}, `${outcome.title}: `), outcome.words);
      if (!refused.isConnected) question.after(refused);
      confirm.setAttribute("aria-describedby", refused.id);
      if (!document.activeElement || document.activeElement === document.body) question.focus();
      box.scrollIntoView({ block: "nearest" });
    };
    row.hidden = true;
    place.append(box);
    // The keyboard goes to the question, not to its confirm: the WAI-ARIA dialog pattern advises
    // starting on the least destructive element when the step cannot be undone. A screen reader
    // reads the question with its consequence first, and a key pressed twice or held lands on text.
    question.focus();
    // Focus scrolls the panel to the question's text alone: its confirm stayed below a laptop's pane when the
    // reason above it was long. The whole question, its answers too, is brought into sight.
    box.scrollIntoView({ block: "nearest" });
  }

  /**
   * Records the outcome once; true when it is done with (recorded, or refused because the situation changed), else the
   * refusal's { title, words } as the error region says them.
   */
  async function record({ touchpoint, done, stillOpen }) {
    announce("Recording the outcome…");
    try {
      await stillOpen?.();
      // Dated by the service's clock, not before the request it answers nor the offer (the service
      // refuses such answers), which a sender's clock running ahead may have dated later than now
      // (a millisecond after: their times may carry digits a Date drops).
      const bounds = [pending.requestedAt, pending.offer?.madeAt].map(t => Date.parse(t)).filter(Number.isFinite);
      const notBefore = Math.max(0, ...bounds) + 1;
      const answeredAt = new Date(Math.max(serviceNow(), notBefore));
      await postJson("/api/touchpoints", { ...touchpoint, touchpointId: newId(), occurredAt: answeredAt.toISOString() });
      announce(done);
      // Recorded: an earlier refusal of an outcome goes; a part that failed to read stays named until it is read again.
      clearErrorOf("Recording the outcome");
      await onRecorded();
      return true;
    } catch (error) {
      announce("");
      const answered = error instanceof ApiError && (error.status === 404 || error.status === 409);
      const meanwhile = answered && !error.problem?.checkedHere ? await decidedBy(error) : null;
      const entry = showError(meanwhile ?? error, "Recording the outcome");
      const words = entry.querySelector(":scope > p:not(.error-title)")?.textContent ?? "";
      if (!answered) return { title: error?.problem?.title ?? "Not recorded", words };
      await onRecorded();
      refusedInPanel(words);
      // What happened, on the line that says what was recorded when it was (it was left empty).
      announce((meanwhile ?? error).problem?.statusLine ?? "Nothing was recorded: the retention panel was read again.");
      return true;
    }
  }
  /**
   * The service refused the outcome (404, 409): when the client's retention, read again, shows the request decided
   * meanwhile, the refusal is said as the page's own check says it ("Decided meanwhile"), the service's title, status and
   * words folded beneath. Else (or unread) the service's refusal as it came.
   */
  async function decidedBy(error) {
    const decision = await decided().catch(() => null);
    if (!decision) return null;
    const { title, status, detail } = error.problem ?? {};
    return new ApiError(error.status, { ...error.problem, title: decision.title, statusShown: false, said: decision.words,
      detail: `${title ?? "Refused"} (${status ?? error.status}): ${detail ?? ""}`, statusLine: decision.statusLine });
  }
  return place;
}

/**
 * An outcome refused because the client was answered meanwhile (404, 409): the panel, read again, has the keyboard on its
 * heading and reads "No pending cancellation." On a phone the error region saying nothing was recorded was 866 px above,
 * out of sight, and nothing in sight said the outcome had not been recorded (until 2026-12-07): it is said under the
 * heading too, which it describes. Not a live region: the error region has read it out already. It goes with the panel
 * the next time it is drawn (replacePanel).
 */
function refusedInPanel(words) {
  const heading = document.getElementById("retention-title");
  const body = document.getElementById("retention-body");
  if (!heading || !body) return;
  body.prepend(h("p", { class: "refused", id: RefusedInPanel }, h("strong", {}, "Not recorded: "), words));
  heading.setAttribute("aria-describedby", RefusedInPanel);
}
const RefusedInPanel = "outcome-refused-read-again";

/**
 * Shows the panel read again. A question still asking goes with the panel it asked about: nothing
 * is confirmed that is no longer shown. The keyboard, if it was anywhere in the panel (the confirm of an outcome just
 * recorded, say), goes to the heading first, then the panel is drawn again: drawn first, the focused button went with
 * it and the keyboard fell to the page's body until the heading took it, 70-310 ms later (until 2026-12-07).
 */
export function replacePanel(body, ...children) {
  const asking = body.querySelector(".question[data-asking]");
  if (body.contains(document.activeElement)) document.getElementById("retention-title").focus();
  body.replaceChildren(...children);
  // An outcome's refusal said under the heading goes with the panel it was said beside.
  document.getElementById("retention-title").removeAttribute("aria-describedby");
  if (asking) announce("The retention panel was read again: decide on what it shows now.");
}

// crypto.randomUUID exists only in secure contexts (https, localhost); getRandomValues everywhere.
function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "desk-" + [...bytes].map(b => b.toString(16).padStart(2, "0")).join("");
}
