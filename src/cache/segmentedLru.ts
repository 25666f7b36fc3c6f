import { LRUCache } from 'lru-cache'

export type SizedValue = { size: number }

/**
 * A segmented LRU with a byte budget. New entries go to a small probation segment; an entry
 * asked for again moves to the protected segment, whose own least-recently-used entries
 * fall back to probation when it is full. A flood of distinct one-off queries only churns
 * probation, so the entries readers keep asking for (protected) survive it.
 */
export class SegmentedLru<V extends SizedValue> {
  private readonly probation: LRUCache<string, V>
  private readonly protectedSegment: LRUCache<string, V>
  /** Entries dropped for room (a demotion from protected to probation is not one). */
  private evicted = 0

  /** `onEvict` hears of every entry dropped for room (not of delete() or clear(), which the caller made). */
  constructor({ maxBytes, protectedShare = 0.8, onEvict }: { maxBytes: number; protectedShare?: number; onEvict?: (key: string, value: V) => void }) {
    const protectedBytes = Math.max(1, Math.floor(maxBytes * protectedShare))
    const probationBytes = Math.max(1, maxBytes - protectedBytes)
    this.probation = new LRUCache<string, V>({
      maxSize: probationBytes,
      sizeCalculation: (value, key) => value.size + key.length,
      dispose: (value, key, reason) => {
        if (reason !== 'evict') return
        this.evicted += 1
        onEvict?.(key, value)
      },
    })
    this.protectedSegment = new LRUCache<string, V>({
      maxSize: protectedBytes,
      sizeCalculation: (value, key) => value.size + key.length,
      // Demoted, not dropped: it gets one more chance in probation.
      dispose: (value, key, reason) => {
        if (reason === 'evict') this.probation.set(key, value)
      },
    })
  }

  get(key: string): V | undefined {
    const hot = this.protectedSegment.get(key)
    if (hot) return hot
    const value = this.probation.get(key)
    if (value) {
      this.probation.delete(key)
      this.protectedSegment.set(key, value)
    }
    return value
  }

  /** New entries start in probation; an entry larger than that segment is not kept. */
  set(key: string, value: V) {
    this.protectedSegment.delete(key)
    this.probation.set(key, value)
  }

  /** The entry without counting it as a use. */
  peek(key: string): V | undefined {
    return this.protectedSegment.peek(key) ?? this.probation.peek(key)
  }

  delete(key: string) {
    this.protectedSegment.delete(key)
    this.probation.delete(key)
  }

  clear() {
    this.probation.clear()
    this.protectedSegment.clear()
  }

  has(key: string) {
    return this.protectedSegment.has(key) || this.probation.has(key)
  }

  stats() {
    return {
      entries: this.probation.size + this.protectedSegment.size,
      evictions: this.evicted,
      bytes: this.probation.calculatedSize + this.protectedSegment.calculatedSize,
      probation: { entries: this.probation.size, bytes: this.probation.calculatedSize, maxBytes: this.probation.maxSize },
      protected: {
        entries: this.protectedSegment.size,
        bytes: this.protectedSegment.calculatedSize,
        maxBytes: this.protectedSegment.maxSize,
      },
    }
  }
}
