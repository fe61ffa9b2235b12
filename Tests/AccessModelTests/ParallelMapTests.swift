import AccessModel
import Testing

@Suite("parallelMap")
struct ParallelMapTests {
    @Test("results come back in input order, whatever order the work finishes in")
    func order() {
        let input = Array(0..<1_000)
        #expect(input.parallelMap { $0 * $0 } == input.map { $0 * $0 })
        #expect([Int]().parallelMap { $0 } == [])
    }

    struct Failure: Error, Equatable { var value: Int }

    @Test("an error thrown for any element is rethrown")
    func errors() {
        #expect(throws: Failure(value: 7)) {
            try Array(0..<100).parallelMap { value in
                if value == 7 { throw Failure(value: 7) }
                return value
            }
        }
    }
}
