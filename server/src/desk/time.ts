/**
 * The desk's notion of now, unix milliseconds. The gateway runs on the wall clock; `advance` moves it forward for
 * tests and drills that must see a case pass 24 and 48 hours. Nothing over HTTP reaches it: the tests hold the
 * gateway object in-process (scripts/lib/platform.ts) and call `gateway.services.desk.clock.advance(ms)`.
 */
export class DeskClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("The desk clock only moves forward.");
    this.offsetMs += ms;
  }
}
