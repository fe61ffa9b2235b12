import AccessModel

/// The changes that make Kisi's schedules of a group or a door into the config's.
public enum ScheduleDiff {
    /// Compared by meaning, part by part (weekly hours, holiday calendars, whole days, single
    /// events; regular and overriding apart): a part whose schedules mean the same as the
    /// config's is no change, however Kisi splits or stores them (``ScheduleMeaning``). In a part
    /// that differs, entries are matched by label (their days, date or calendar:
    /// ``Swift/Array/labelled(in:)``): a matched entry that differs is updated, the config's
    /// others created, Kisi's others deleted.
    ///
    /// - Parameters:
    ///   - removing: the config says "no schedules" (`schedule: always`), which is the
    ///     deletions' reason.
    ///   - address: the address of an entry's label.
    public static func changes(
        live: [ScheduledEntry], desired: [ScheduledEntry], zone: SiteTimeZone, removing: Bool, address: (String) -> ResourceAddress
    ) -> [ResourceChange] {
        let differing = Set(live.map(\.entry.part) + desired.map(\.entry.part)).filter { part in
            ScheduleMeaning(live.map(\.entry).filter { $0.part == part }) != ScheduleMeaning(desired.map(\.entry).filter { $0.part == part })
        }
        let live = live.filter { differing.contains($0.entry.part) }, desired = desired.filter { differing.contains($0.entry.part) }
        guard !live.isEmpty || !desired.isEmpty else { return [] }
        let have = live.map(\.entry).labelled(in: zone), want = desired.map(\.entry).labelled(in: zone)
        var liveByLabel: [String: Int] = [:]
        for (index, item) in have.enumerated() { liveByLabel[item.label] = index }
        var created: [ResourceChange] = [], updated: [ResourceChange] = [], deleted: [ResourceChange] = []
        var matched = Set<Int>()
        for item in want {
            let after = ScheduleValues(entry: item.entry, kisiID: nil)
            guard let index = liveByLabel[item.label] else {
                created.append(ResourceChange(address(item.label), .create, after: .schedule(after), reasons: [.schedule(.declared)]))
                continue
            }
            matched.insert(index)
            guard have[index].entry != item.entry else { continue }
            let before = ScheduleValues(entry: have[index].entry, kisiID: live[index].kisiID)
            updated.append(
                ResourceChange(
                    address(item.label), .update, before: .schedule(before),
                    after: .schedule(ScheduleValues(entry: item.entry, kisiID: before.kisiID)),
                    reasons: [.schedule(.declared)]))
        }
        for (index, item) in have.enumerated() where !matched.contains(index) {
            deleted.append(
                ResourceChange(
                    address(item.label), .delete, before: .schedule(ScheduleValues(entry: item.entry, kisiID: live[index].kisiID)),
                    reasons: [.schedule(removing ? .noSchedule : .notDeclared)]))
        }
        func sorted(_ changes: [ResourceChange]) -> [ResourceChange] { changes.sorted { $0.address.index! < $1.address.index! } }
        return sorted(created) + sorted(updated) + sorted(deleted)
    }
}

extension ScheduleEntry {
    /// The part of a schedule an entry belongs to: its type, and whether it overrides.
    var part: String { kisiType + (override ? "+override" : "") }
}
