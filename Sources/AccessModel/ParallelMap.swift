import Foundation

extension Collection where Index == Int {
    /// `map` run on every core, results in order: for independent work over large inputs
    /// (one export file, one group). The transform must not touch shared mutable state.
    public func parallelMap<T>(_ transform: (Element) throws -> T) rethrows -> [T] {
        guard count > 1 else { return try map(transform) }
        let slots = ParallelSlots<Result<T, any Error>>(count: count)
        withoutActuallyEscaping(transform) { transform in
            let box = UncheckedBox(transform), input = UncheckedBox(self)
            DispatchQueue.concurrentPerform(iterations: count) { offset in
                slots.set(offset, Result { try box.value(input.value[input.value.startIndex + offset]) })
            }
        }
        return try slots.values.map { result in
            switch result {
            case .success(let value): return value
            case .failure(let error): throw error
            }
        }
    }
}

/// One slot per iteration, filled from parallel work.
private final class ParallelSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ position: Int, _ value: T) { lock.withLock { slots[position] = value } }

    var values: [T] { lock.withLock { slots.map { $0! } } }
}

private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
