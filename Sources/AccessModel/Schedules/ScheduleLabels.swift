extension ScheduleEntry {
    /// The entry in words, in the site's zone: `mon-fri 09:00-16:00`, `closed on holidays gb_eng`,
    /// `closed 2026-12-24`, `open 2026-12-31 10:00-14:00`.
    public func description(in zone: SiteTimeZone) -> String {
        let slot = slot(in: zone)
        return slot.detail.isEmpty ? slot.base : "\(slot.base) \(slot.detail)"
    }

    /// What the entry is for (its days, its date, the holiday calendar), which a change keeps,
    /// and the rest.
    func slot(in zone: SiteTimeZone) -> (base: String, detail: String) {
        let closed = override ? "closed " : ""
        switch kind {
        case .weekly(let days, let hours):
            return (closed + days.description, hours.description)
        case .holidays(let calendar):
            var detail = calendar.region + (calendar.observed ? "" : " (actual days)")
            if !calendar.ignored.isEmpty { detail += " except " + calendar.ignored.joined(separator: ", ") }
            return (override ? "closed on holidays" : "open on holidays", detail)
        case .days(let first, let last):
            return ((override ? "closed " : "open ") + first.isoString, first == last ? "" : "to \(last.isoString)")
        case .span(let start, let end):
            let from = zone.localDateTime(for: start), to = zone.localDateTime(for: end)
            let endText = to.date == from.date ? to.clock(withSeconds: false) : to.displayString
            return ((override ? "closed " : "open ") + from.date.isoString, from.clock(withSeconds: false) + "-" + endText)
        }
    }
}

extension [ScheduleEntry] {
    /// Each entry with a label unique among them: its slot (`mon-fri`, `closed on holidays`,
    /// `closed 2026-12-24`) when that is unique, so a change of hours is an update of the same
    /// resource; else its whole description.
    public func labelled(in zone: SiteTimeZone) -> [(label: String, entry: ScheduleEntry)] {
        let slots = map { $0.slot(in: zone) }
        var bases: [String: Int] = [:]
        for slot in slots { bases[slot.base, default: 0] += 1 }
        var used: [String: Int] = [:]
        return zip(slots, self).map { slot, entry in
            var label = bases[slot.base] == 1 || slot.detail.isEmpty ? slot.base : "\(slot.base) \(slot.detail)"
            used[label, default: 0] += 1
            if let count = used[label], count > 1 { label += " #\(count)" }
            return (label, entry)
        }
    }
}
