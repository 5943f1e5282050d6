import PalletTestSupport

/// Counts of a fuzzing run, printed at the end.
struct FuzzReport {
    var inputs = 0
    var compiled = 0
    var rejected = 0
    var slowest = 0.0

    mutating func record(_ outcome: CompileInvariants.Outcome, seconds: Double) {
        inputs += 1
        if outcome.errors == 0 { compiled += 1 } else { rejected += 1 }
        slowest = max(slowest, seconds)
    }

    func summary(seconds: Double) -> String {
        """
        pallet-fuzz: \(inputs) inputs in \(Int(seconds)) s (\(Int(Double(inputs) / max(seconds, 0.001)))/s): \
        \(rejected) rejected with located errors, \(compiled) compiled; slowest input \(String(format: "%.3f", slowest)) s; \
        no crash, no hang, no error without a location
        """
    }
}
