/// A time as member data writes it: an exact instant (`2026-11-23T07:00:00-05:00`) or a
/// wall-clock time at the site (`2026-11-23T07:00`).
///
/// Wall-clock times stay unresolved until evaluation, where the site's ``SiteTimeZone`` maps
/// them to instants; that keeps the data independent of the config it is evaluated with.
public enum Moment: Hashable, Sendable {
    case instant(Instant)
    case local(LocalDateTime)

    public func instant(in zone: SiteTimeZone) -> Instant {
        switch self {
        case .instant(let instant): return instant
        case .local(let local): return zone.instant(for: local)
        }
    }
}
