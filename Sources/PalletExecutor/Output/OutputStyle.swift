import Foundation

/// How much pallet prints and whether it colours it: colour only on a terminal, never with
/// NO_COLOR set (https://no-color.org) or TERM=dumb.
public struct OutputStyle: Sendable {
    /// How much is printed while nodes run.
    public enum Verbosity: Sendable {
        /// The recap's problems and totals only.
        case quiet
        /// Changes, failures and a progress line; one line per node and phase off a terminal.
        case normal
        /// Every step of every node.
        case verbose
    }

    /// How much is printed.
    public let verbosity: Verbosity
    /// Whether standard error is a terminal.
    public let terminal: Bool
    /// Whether status words are coloured.
    public let color: Bool

    /// The style for the `--quiet` and `--verbose` flags, standard error and `environment`.
    public init(quiet: Bool, verbose: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) {
        verbosity = verbose ? .verbose : (quiet ? .quiet : .normal)
        terminal = isatty(STDERR_FILENO) == 1
        color = terminal && environment["NO_COLOR"].map(\.isEmpty) != false && environment["TERM"] != "dumb"
    }

    /// `text` coloured for a status word (ok, changed, would-change, skipped, failed, unreachable).
    public func status(_ word: String, _ text: String? = nil) -> String {
        let shown = text ?? word
        guard color else { return shown }
        let code: String
        switch word {
        case "ok": code = "32"
        case "changed", "would-change": code = "33"
        case "failed", "unreachable": code = "31"
        case "skipped": code = "36"
        default: return shown
        }
        return "\u{1B}[\(code)m\(shown)\u{1B}[0m"
    }
}
