import Foundation
import KisiHTTP

extension SandboxAPI {
    /// What happens to a request at the sandbox's door: an answer, or a connection closed without one.
    public enum Served: Sendable {
        case answer(SandboxResponse)
        /// The connection was dropped (by fault injection), before or after the request was applied.
        case dropped
    }

    /// Serves one request through fault injection, the same for HTTP and in-process callers:
    /// latency, list pages served short or shifted, injected statuses, dropped connections.
    func serve(_ request: SandboxRequest, faults: FaultInjector?) async -> Served {
        switch await serveFaulted(request, faults: faults) {
        case .answer(var response):
            // The sandbox world's "now", so that kisictl plans a served sandbox as it plans the
            // embedded one (it trusts the header from a loopback address only).
            if let clock = await store.state.clock { response.headers.append((Self.clockHeader, clock)) }
            return .answer(response)
        case .dropped:
            return .dropped
        }
    }

    /// The header a sandbox with a clock sends with every answer.
    public static let clockHeader = "X-Kisictl-Sandbox-Clock"

    private func serveFaulted(_ request: SandboxRequest, faults: FaultInjector?) async -> Served {
        var request = request
        let fate = await faults?.nextFate()
        if let latency = fate?.latency, latency > 0 { try? await Task.sleep(for: .milliseconds(latency)) }
        if let page = fate?.page, Route.match(request.method, request.path)?.isList == true {
            request.pageFault = page
            await stats.recordPageFault(page)
        }
        let endpoint = Route.match(request.method, request.path)?.template ?? request.method
        if let late = faults?.plan.lateGroupCreates, request.method == "POST", Route.match(request.method, request.path)?.endpoint == .groups {
            Task {
                try? await Task.sleep(for: .milliseconds(late))
                _ = await handle(request, counted: false)
            }
            await stats.recordDrop(endpoint, applied: true)
            return .dropped
        }
        switch fate?.fault {
        case .status(let status)?:
            return .answer(await faultResponse(status, for: request))
        case .dropBeforeApplying?:
            await stats.recordDrop(endpoint, applied: false)
            return .dropped
        case .dropAfterApplying?:
            _ = await handle(request, counted: false)
            await stats.recordDrop(endpoint, applied: true)
            return .dropped
        case nil:
            return .answer(await handle(request))
        }
    }
}

/// The sandbox as the Kisi client's transport, in the same process and without a socket: a test
/// plans and applies through the same client code, faults included, in a fraction of the time.
public struct InProcessExchange: HTTPExchange {
    public let api: SandboxAPI
    let faults: FaultInjector?

    public init(api: SandboxAPI, faults: FaultPlan? = nil) {
        self.api = api
        self.faults = faults.map(FaultInjector.init)
    }

    public func exchange(_ request: HTTPRequest) async -> HTTPOutcome {
        let sandboxRequest = SandboxRequest(
            method: request.method, path: request.path, query: SandboxRequest.formDecoded(request.query ?? ""),
            authorization: request.header("Authorization"), body: request.body.map(Array.init) ?? [], client: "in-process")
        switch await api.serve(sandboxRequest, faults: faults) {
        case .answer(let response):
            var headers: [String: String] = [:]
            for (name, value) in response.headers { headers[name.lowercased()] = value }
            if response.status != 204 { headers["content-type"] = "application/json; charset=utf-8" }
            return .response(status: response.status, headers: headers, body: Data(response.body))
        case .dropped:
            return .failure("the connection was lost")
        }
    }
}
