/// Keys the database did not know, remembered for a short time so that a client repeating one
/// (a flood of bad requests, a misconfigured collector retrying) does not reach the database each
/// time. Bounded: when full, the least recently used entry makes room, so a flood of distinct
/// keys costs memory for `capacity` entries at most. It only ever holds keys found unknown
/// (`KeyStore` removes one the moment it verifies), and forgets each after `timeToLive`, so a key
/// created meanwhile is refused for that long at most. A value type, tested without I/O.
struct UnknownKeyCache: Sendable {
    /// One remembered key, linked into the recency list by slot index (-1: none).
    private struct Entry: Sendable {
        var key: String
        var expires: ContinuousClock.Instant
        var newer: Int
        var older: Int
    }

    /// The most keys remembered.
    let capacity: Int
    /// How long a key stays remembered.
    let timeToLive: Duration

    private var slots: [String: Int] = [:]
    private var entries: [Entry] = []
    private var newest = -1
    private var oldest = -1

    /// An empty cache of at most `capacity` keys, each remembered for `timeToLive` (zero: none is).
    init(capacity: Int = 10_000, timeToLive: Duration) {
        self.capacity = capacity
        self.timeToLive = timeToLive
    }

    /// Keys remembered, expired ones not yet dropped included.
    var count: Int { entries.count }

    /// The keys from the most to the least recently used.
    var keysByRecency: [String] {
        var keys: [String] = []
        var slot = newest
        while slot >= 0 {
            keys.append(entries[slot].key)
            slot = entries[slot].older
        }
        return keys
    }

    /// Whether `key` was found unknown less than `timeToLive` before `now`; a hit counts as a use.
    mutating func contains(_ key: String, now: ContinuousClock.Instant) -> Bool {
        guard let slot = slots[key] else { return false }
        guard entries[slot].expires > now else {
            remove(key)
            return false
        }
        moveToNewest(slot)
        return true
    }

    /// Remembers `key` as unknown from `now`, making room by forgetting the least recently used.
    mutating func insert(_ key: String, now: ContinuousClock.Instant) {
        guard capacity > 0, timeToLive > .zero else { return }
        let expires = now + timeToLive
        if let slot = slots[key] {
            entries[slot].expires = expires
            moveToNewest(slot)
            return
        }
        let slot: Int
        if entries.count < capacity {
            slot = entries.count
            entries.append(Entry(key: key, expires: expires, newer: -1, older: -1))
        } else {
            slot = oldest
            unlink(slot)
            slots[entries[slot].key] = nil
            entries[slot] = Entry(key: key, expires: expires, newer: -1, older: -1)
        }
        slots[key] = slot
        linkAsNewest(slot)
    }

    /// Forgets `key` (a key that verifies now, or one that expired).
    mutating func remove(_ key: String) {
        guard let slot = slots.removeValue(forKey: key) else { return }
        unlink(slot)
        // Keeps the slots dense: the last entry moves into the one freed, its neighbours follow.
        let last = entries.count - 1
        if slot != last {
            let moved = entries[last]
            entries[slot] = moved
            slots[moved.key] = slot
            if moved.newer >= 0 { entries[moved.newer].older = slot } else { newest = slot }
            if moved.older >= 0 { entries[moved.older].newer = slot } else { oldest = slot }
        }
        entries.removeLast()
    }

    private mutating func moveToNewest(_ slot: Int) {
        guard slot != newest else { return }
        unlink(slot)
        linkAsNewest(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let entry = entries[slot]
        if entry.newer >= 0 { entries[entry.newer].older = entry.older } else { newest = entry.older }
        if entry.older >= 0 { entries[entry.older].newer = entry.newer } else { oldest = entry.newer }
        entries[slot].newer = -1
        entries[slot].older = -1
    }

    private mutating func linkAsNewest(_ slot: Int) {
        entries[slot].older = newest
        entries[slot].newer = -1
        if newest >= 0 { entries[newest].newer = slot } else { oldest = slot }
        newest = slot
    }
}
