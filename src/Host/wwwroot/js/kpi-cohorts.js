// Cohort retention (docs/value.md, "Cohorts"): the signups of each calendar month of the period, and the share of
// them still customers 0, 1, 2... months after that month began (month 0 at each one's own signup).
import { h, count, percent } from "./ui.js";
import { counted } from "./words.js";

const utcMonth = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", timeZone: "UTC" });

export function cohortTable(cohorts) {
  if (cohorts.every(cohort => cohort.size === 0)) return h("p", { class: "muted" }, "No signups in the period: no cohort to follow.");
  const months = [...Array(Math.max(...cohorts.map(cohort => cohort.retention.length))).keys()];
  const table = h("table", { "aria-labelledby": "kpi-cohorts-title", "aria-describedby": "kpi-cohorts-explained" },
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, "Signed up in"), h("th", { scope: "col", class: "number" }, "Signups"),
      months.map(k => h("th", { scope: "col", class: "number" }, `Month ${k}`)))),
    h("tbody", {}, cohorts.map(cohort => h("tr", { "data-month": cohort.monthStart.slice(0, 7) },
      h("th", { scope: "row" }, utcMonth.format(new Date(cohort.monthStart))),
      h("td", { class: "number" }, count(cohort.size)),
      months.map(k => share(cohort, cohort.retention[k]))))));
  // Said above the table, not in a caption: the table scrolls sideways in its box at 200% zoom, and its caption with it.
  return [
    h("h3", { id: "kpi-cohorts-title" }, "Signup cohorts"),
    h("p", { id: "kpi-cohorts-explained", class: "muted hint" }, "Of the customers who signed up in each month of the period, the share ",
      "still customers 0 to 12 months after that month began (month 0: at their own signup); no figure for a month after the period."),
    // Wider than the panel at 200% zoom: it scrolls in its own box, which the keyboard can reach and scroll.
    h("div", { class: "history cohorts", tabindex: "0", role: "region", "aria-labelledby": "kpi-cohorts-title" }, table),
  ];
}

// A month of no signups has no share: its cells stay empty, as those after the period do.
const share = (cohort, point) => point && point.share !== null
  ? h("td", { class: "number", title: `${count(point.stillCustomers)} of ${counted(cohort.size, "signup")}` }, percent(point.share))
  : h("td", { class: "number" });
