import SeededRandom

/// Values a hostile or careless operator may put where kisictl expects a duration, a count, a
/// share or a size: the edges of Int64 and Double, signs, exponents, other digits, empty and
/// odd YAML. Property tests draw from them with a seed, so a failure names its case.
public enum ExtremeValues {
    public static let pool: [String] = [
        "9223372036854775807s", "-9223372036854775808s", "9223372036854775807", "-9223372036854775808",
        "18446744073709551615", "99999999999999999999d", "99999999999999999999", "2147483648m", "106751991167300d",
        "36525d", "36526d", "876600h", "52596000m", "3155760000s", "3155760001s", "1e308", "1e309d", "-1e309",
        "inf", "-inf", "nan", "NaN%", "Infinity", "100000000000000000000%", "1.7976931348623157e308%", "4.9e-324%",
        "0.0000000001%", "100%", "100.0000001%", "-0", "-1", "-1d", "0", "0s", "+5", "5%%", "1d1d", "1d-1h",
        "1.5d", "1 d", "h", "", "~", "null", "[]", "{}", "''", "\"\"", "0x7fffffff", "0o777", "1_000",
        "٣d", "¼d", "1d\u{0}", "𝟙d", "16GiB", "17179869185", "16385MiB", "1TB", "0B", "-5MiB", "1e3KiB",
        String(repeating: "9", count: 400), String(repeating: "1d", count: 200),
    ]

    /// One value of the pool, drawn with `random`.
    public static func draw(_ random: inout SplitMix64) -> String { pool[random.below(pool.count)] }
}
