// The benches' virtual time: callbacks due at an instant, and time passed second by second.

export interface Moments {
  /** Virtual epoch ms. */
  t: number;
  /** Called every virtual second that passes (the emulator's engine steps on it). */
  tick: () => void;
  /** Callbacks to fire once time passes `when`. */
  due: { when: number; fn: () => void }[];
}

/** Moves `m.t` to `until`, a second at a time, firing what falls due and ticking on the way. */
export function passTo(m: Moments, until: number): void {
  while (m.t < until) {
    m.t = Math.min(until, Math.floor(m.t / 1000) * 1000 + 1000);
    for (const a of m.due.filter((x) => x.when <= m.t)) {
      m.due.splice(m.due.indexOf(a), 1);
      a.fn();
    }
    m.tick();
  }
}
