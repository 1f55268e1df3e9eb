/**
 * A JSON response body serialised once and shared by every request that answers it (a cached read such as a note's
 * tree). The edge sends its bytes as they are and keeps its compressed copy on it (`gzip`), so a body read many times
 * between two writes is serialised and compressed once, not once per request.
 */
export class SerialisedJson<T = unknown> {
  /** The type of the value serialised (for the route's response type only; never set). */
  declare readonly value?: T;
  readonly bytes: Buffer;
  /** The gzip encoding of `bytes`, made by the edge the first time a client accepts it. */
  gzip: Buffer | undefined;

  constructor(value: T) {
    this.bytes = Buffer.from(JSON.stringify(value));
  }
}
