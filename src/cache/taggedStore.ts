import { SegmentedLru, type SizedValue } from './segmentedLru'

export type TaggedValue = SizedValue & { tags: readonly string[] }

/**
 * The response cache's entries (a SegmentedLru) indexed by tag, so a change drops only the
 * entries that carry its tags; and a ledger of recent drops, so a fill that began before a
 * drop touching its tags is not stored (it may hold the content from before the change).
 */
export class TaggedStore<V extends TaggedValue> {
  private readonly lru: SegmentedLru<V>
  private readonly keysByTag = new Map<string, Set<string>>()
  /** Drops in order: `tags` null for a full clear. Kept for `ledgerMs`, longer than any fill may take. */
  private readonly ledger: { sequence: number; at: number; tags: ReadonlySet<string> | null }[] = []
  private sequence = 0

  constructor(private readonly options: { maxBytes: number; ledgerMs: number; now: () => number }) {
    this.lru = new SegmentedLru<V>({ maxBytes: options.maxBytes, onEvict: (key, value) => this.unindex(key, value) })
  }

  get(key: string) {
    return this.lru.get(key)
  }

  /** A mark to pass to setUnlessDroppedSince: the drops after it count against a fill. */
  mark() {
    return this.sequence
  }

  /**
   * Keeps `value` unless a drop since `mark` touched one of its tags (or cleared everything,
   * or is too old to tell). Returns whether it was kept.
   */
  setUnlessDroppedSince(key: string, value: V, mark: number) {
    if (mark < this.sequence) {
      const oldest = this.ledger[0]
      if (!oldest || oldest.sequence > mark + 1) return false
      for (const drop of this.ledger) {
        if (drop.sequence <= mark) continue
        if (!drop.tags || value.tags.some((tag) => drop.tags!.has(tag))) return false
      }
    }
    const previous = this.lru.peek(key)
    if (previous) this.unindex(key, previous)
    this.lru.set(key, value)
    for (const tag of value.tags) {
      let keys = this.keysByTag.get(tag)
      if (!keys) this.keysByTag.set(tag, (keys = new Set()))
      keys.add(key)
    }
    return true
  }

  /** Drops every entry carrying one of `tags`; returns how many. */
  dropTags(tags: readonly string[]) {
    const unique = new Set(tags)
    this.record(unique)
    let dropped = 0
    for (const tag of unique) {
      const keys = this.keysByTag.get(tag)
      if (!keys) continue
      for (const key of keys) {
        const value = this.lru.peek(key)
        if (!value) continue
        this.unindex(key, value)
        this.lru.delete(key)
        dropped += 1
      }
      this.keysByTag.delete(tag)
    }
    return dropped
  }

  clear() {
    this.record(null)
    this.lru.clear()
    this.keysByTag.clear()
  }

  stats() {
    return { ...this.lru.stats(), tags: this.keysByTag.size }
  }

  private record(tags: ReadonlySet<string> | null) {
    const at = this.options.now()
    this.sequence += 1
    this.ledger.push({ sequence: this.sequence, at, tags })
    while (this.ledger.length > 1 && this.ledger[0].at < at - this.options.ledgerMs) this.ledger.shift()
  }

  private unindex(key: string, value: V) {
    for (const tag of value.tags) {
      const keys = this.keysByTag.get(tag)
      if (!keys) continue
      keys.delete(key)
      if (keys.size === 0) this.keysByTag.delete(tag)
    }
  }
}
