// A bounded map that forgets the least recently used entry first: the server's caches of
// loaded versions and review bases. Map keeps insertion order, so the front is the oldest.

export class LruMap<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The entry, now the most recently used; undefined when absent. */
  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  /** Forgets the least recently used entry; false when there was none. */
  evictOldest(): boolean {
    const oldest = this.entries.keys().next();
    if (oldest.done === true) return false;
    this.entries.delete(oldest.value);
    return true;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }
}
