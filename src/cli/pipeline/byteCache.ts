/**
 * A least-recently-used cache bounded in bytes, for values that are loaded asynchronously (the
 * decoded images of a data set, see sampleStore.ts). A value is kept only when it fits: adding it
 * evicts the least recently used values until the total is at most `limit`; a value larger than
 * `limit` is returned but not kept. Concurrent requests for one key share one load; a failed load
 * is not kept (the next request tries again).
 */

/** See the module comment. */
export interface ByteCache<T> {
  /** The cached value of `key`, or the value `load` resolves to (then cached when it fits). */
  get(key: string, load: () => Promise<T>): Promise<T>;
  /** Bytes held now (at most `limit`). */
  readonly bytes: number;
  /** The bound, in bytes. */
  readonly limit: number;
  /** The keys held, least recently used first. */
  keys(): string[];
}

/**
 * A cache of at most `limit` bytes, `sizeOf(value)` counting each value.
 * @throws RangeError when `limit` is not a non-negative number.
 */
export function byteCache<T>(limit: number, sizeOf: (value: T) => number): ByteCache<T> {
  if (!(limit >= 0)) throw new RangeError(`byteCache: limit must be a non-negative number of bytes, got ${limit}.`);
  const held = new Map<string, { value: T; bytes: number }>(); // insertion order = recency, oldest first
  const loading = new Map<string, Promise<T>>();
  let bytes = 0;

  function keep(key: string, value: T): void {
    const size = sizeOf(value);
    if (size > limit) return;
    for (const [old, entry] of held) {
      if (bytes + size <= limit) break;
      held.delete(old);
      bytes -= entry.bytes;
    }
    held.set(key, { value, bytes: size });
    bytes += size;
  }

  return {
    get(key, load) {
      const hit = held.get(key);
      if (hit) {
        held.delete(key); // most recently used: to the end
        held.set(key, hit);
        return Promise.resolve(hit.value);
      }
      const pending = loading.get(key);
      if (pending) return pending;
      const promise = load().then(
        (value) => {
          loading.delete(key);
          keep(key, value);
          return value;
        },
        (error: unknown) => {
          loading.delete(key);
          throw error;
        },
      );
      loading.set(key, promise);
      return promise;
    },
    get bytes() {
      return bytes;
    },
    limit,
    keys: () => [...held.keys()],
  };
}
