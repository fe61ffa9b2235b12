import AccessModel

/// The sandbox's public holidays: a small fixed table for the regions the examples use
/// (England and Wales, the United States) in 2026 and 2027. Kisi computes these for every region
/// and year; a region or year outside the table has no holidays here.
enum HolidayTable {
    /// A holiday on its day, and on its observed day when that differs (a weekend holiday's
    /// substitute weekday).
    struct Entry {
        var name: String
        var date: String
        var observed: String?
    }

    static let regions: [String: [Entry]] = [
        "gb_eng": [
            Entry(name: "New Year's Day", date: "2026-01-01"), Entry(name: "Good Friday", date: "2026-04-03"),
            Entry(name: "Easter Monday", date: "2026-04-06"), Entry(name: "Early May Bank Holiday", date: "2026-05-04"),
            Entry(name: "Spring Bank Holiday", date: "2026-05-25"), Entry(name: "Summer Bank Holiday", date: "2026-08-31"),
            Entry(name: "Christmas Day", date: "2026-12-25"), Entry(name: "Boxing Day", date: "2026-12-26", observed: "2026-12-28"),
            Entry(name: "New Year's Day", date: "2027-01-01"), Entry(name: "Good Friday", date: "2027-03-26"),
            Entry(name: "Easter Monday", date: "2027-03-29"), Entry(name: "Early May Bank Holiday", date: "2027-05-03"),
            Entry(name: "Spring Bank Holiday", date: "2027-05-31"), Entry(name: "Summer Bank Holiday", date: "2027-08-30"),
            Entry(name: "Christmas Day", date: "2027-12-25", observed: "2027-12-27"),
            Entry(name: "Boxing Day", date: "2027-12-26", observed: "2027-12-28"),
        ],
        "us": [
            Entry(name: "New Year's Day", date: "2026-01-01"), Entry(name: "Martin Luther King, Jr. Day", date: "2026-01-19"),
            Entry(name: "Presidents' Day", date: "2026-02-16"), Entry(name: "Memorial Day", date: "2026-05-25"),
            Entry(name: "Juneteenth", date: "2026-06-19"), Entry(name: "Independence Day", date: "2026-07-04", observed: "2026-07-03"),
            Entry(name: "Labor Day", date: "2026-09-07"), Entry(name: "Columbus Day", date: "2026-10-12"),
            Entry(name: "Veterans Day", date: "2026-11-11"), Entry(name: "Thanksgiving", date: "2026-11-26"),
            Entry(name: "Christmas Day", date: "2026-12-25"),
            Entry(name: "New Year's Day", date: "2027-01-01"), Entry(name: "Martin Luther King, Jr. Day", date: "2027-01-18"),
            Entry(name: "Presidents' Day", date: "2027-02-15"), Entry(name: "Memorial Day", date: "2027-05-31"),
            Entry(name: "Juneteenth", date: "2027-06-19", observed: "2027-06-18"),
            Entry(name: "Independence Day", date: "2027-07-04", observed: "2027-07-05"), Entry(name: "Labor Day", date: "2027-09-06"),
            Entry(name: "Columbus Day", date: "2027-10-11"), Entry(name: "Veterans Day", date: "2027-11-11"),
            Entry(name: "Thanksgiving", date: "2027-11-25"), Entry(name: "Christmas Day", date: "2027-12-25", observed: "2027-12-24"),
        ],
    ]

    /// The countries `/holiday_calendars/regions` lists, with their subregions.
    static let countries: [(code: String, alpha3: String, name: String, continent: String, world: String, subregions: [(String, String)])] = [
        ("gb", "GBR", "United Kingdom", "Europe", "Northern Europe", [("gb_eng", "England"), ("gb_wls", "Wales"), ("gb_sct", "Scotland")]),
        ("us", "USA", "United States", "North America", "Northern America", [("us_ny", "New York"), ("us_ca", "California")]),
    ]

    /// A region's holidays in a year; a subregion without its own table has its country's.
    static func holidays(region: String, observed: Bool, year: Int) -> [Holiday] {
        let entries = regions[region] ?? regions[String(region.prefix { $0 != "_" })] ?? []
        return entries.compactMap { entry in
            let text = observed ? entry.observed ?? entry.date : entry.date
            guard let date = TimeParsing.localDate(text), date.components.year == year else { return nil }
            return Holiday(date: date, name: entry.name)
        }
        .sorted { $0.date < $1.date }
    }
}
