// A panel's reads overlap (the 30 s one, Refresh, the refresh after an outcome, a panel asking again),
// and their answers may come back in any order: only the answer to the newest read started is shown,
// so an older one arriving late never replaces what a newer one showed.

/** One per panel: call it as a read starts; the function it gives says whether that read is still the newest. */
export function newestRead() {
  let started = 0;
  return () => {
    const mine = ++started;
    return () => mine === started;
  };
}
