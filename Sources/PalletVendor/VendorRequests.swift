import PalletCompiler
import PalletSpec

/// The package requests of the groups with `vendor:`, per target, read from the resolved plan:
/// every `present` or `latest` name of their phases' package transactions and of their handlers'
/// package steps (an `absent` package needs no file).
public enum VendorRequests {
    /// The requests per target, each once (the first place that asks for it), in the order the
    /// specs give them. A name only the node knows (`{{ }}`) or one apt could not take as a
    /// package is an error at its step.
    public static func collect(specs: SpecSet, plan: Plan, diagnostics: Diagnostics) -> [VendorTarget: [VendorRequest]] {
        var requests: [VendorTarget: [VendorRequest]] = [:]
        for group in specs.groups {
            guard let target = group.vendor?.value, let groupPlan = plan.groups.first(where: { $0.name == group.name.value }) else { continue }
            let family = String(target.release.prefix { $0 != "-" })
            for request in groupPlan.bundles.flatMap(packageRequests) where request.state != "absent" {
                // A request limited to other OS families never runs on this group's nodes.
                guard request.osFamilies.isEmpty || request.osFamilies.contains(family) else { continue }
                for name in request.names {
                    guard let text = name.literalText else {
                        diagnostics.error(request.origin, "package '\(name.templateText.debugEscaped)' of vendored group '\(group.name.value)' "
                            + "has a value only the node knows; vendored package names must be known at plan time")
                        continue
                    }
                    guard VendorRequest.isValid(text) else {
                        diagnostics.error(request.origin, "'\(text.debugEscaped)' of vendored group '\(group.name.value)' is not a package name "
                            + "(or name=version) apt can resolve, such as nginx or nginx=1.22.1-9")
                        continue
                    }
                    if !(requests[target] ?? []).contains(where: { $0.text == text }) {
                        requests[target, default: []].append(VendorRequest(text: text, origin: request.origin))
                    }
                }
            }
        }
        return requests
    }

    /// The package requests of a bundle: its phase's transaction, then the package steps of its
    /// handlers (which run on the same nodes).
    static func packageRequests(_ bundle: BundlePlan) -> [(state: String, names: [ShellText], osFamilies: [String], origin: SourceLocation)] {
        var found: [(state: String, names: [ShellText], osFamilies: [String], origin: SourceLocation)] = []
        for step in bundle.steps {
            guard case .packages(let transaction) = step.kind else { continue }
            found += transaction.requests.map { ($0.state, $0.names, $0.osFamilies, $0.origin) }
        }
        for step in bundle.handlers.flatMap(\.steps) where step.keyword.isPackageRequest {
            guard case .list(let names)? = step.option("names") ?? step.option("name") else { continue }
            var state = "present"
            if case .text(let text)? = step.option("state"), let literal = text.literalText { state = literal }
            found.append((state, names, step.osFamilies, step.origin))
        }
        return found
    }
}
