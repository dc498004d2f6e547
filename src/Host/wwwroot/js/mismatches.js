// Every mismatch of a stream's chain (the audit's mismatches, the first 100, and mismatchCount, all of them), in words.
import { count } from "./ui.js";
import { counted } from "./words.js";

/** All of a stream's mismatches; an answer without the count (a service of before 2026-12-07) has its first one alone. */
export const mismatchCount = s => s.mismatchCount ?? (s.firstMismatch ? 1 : 0);

/** Those the service lists, in stream order, the first mismatch first. */
export const mismatchesOf = s => s.mismatches ?? (s.firstMismatch ? [s.firstMismatch] : []);

export const mismatchesFound = n => `${counted(n, "mismatch", "mismatches")} found`;

/**
 * After the first mismatch, said as before: how many there are in all, and where the others are. Nothing for a stream
 * with one, so it reads as it did.
 */
export function mismatchesSaid(s) {
  const all = mismatchCount(s), listed = mismatchesOf(s).length;
  if (all <= 1) return "";
  return all > listed
    ? ` ${count(all)} mismatches in all: the first ${count(listed)} are listed below, the other ${count(all - listed)} are not.`
    : ` ${count(all)} mismatches in all, each listed below.`;
}
