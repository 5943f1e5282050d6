import Foundation
import PalletTestSupport
import Synchronization

/// When the input in progress started (nanoseconds of the monotonic clock), 0 between inputs.
let inputStarted = Atomic<UInt64>(0)

/// `pallet-fuzz`: a bounded mutation fuzzer for YAML loading, spec decoding, resolution and
/// emission. `make fuzz` runs it through `scripts/fuzz.sh`, which keeps any input that crashes
/// or hangs it as a regression case.
@main
struct PalletFuzz {
    struct Options {
        var seconds = 60.0
        var seed: UInt64 = 1
        var work = "/tmp/pallet-fuzz"
        var hangSeconds = 10.0
        var repository = FileManager.default.currentDirectoryPath
    }

    static func main() {
        guard let options = parse(Array(CommandLine.arguments.dropFirst())) else {
            print("usage: pallet-fuzz [--seconds N] [--seed N] [--work DIR] [--hang-seconds N] [--repository DIR]")
            exit(2)
        }
        TestHome.activate()  // no user configuration leaks in
        let corpus: FuzzCorpus
        do {
            corpus = try FuzzCorpus(repository: options.repository, work: options.work)
        } catch {
            print("pallet-fuzz: cannot prepare the corpus: \(error)")
            exit(2)
        }
        startWatchdog(limit: options.hangSeconds, work: options.work)
        var mutator = Mutator(seed: options.seed)
        var report = FuzzReport()
        let deadline = Date().addingTimeInterval(options.seconds)
        print("pallet-fuzz: \(corpus.seeds.count) seed files, seed \(options.seed), \(Int(options.seconds)) s budget")
        while Date() < deadline {
            let (seed, index) = corpus.pick(&mutator.random)
            let input = mutator.mutate(seed.bytes, others: corpus.seeds.map(\.bytes))
            do {
                try corpus.place(input, over: index)
            } catch {
                print("pallet-fuzz: cannot write an input: \(error)")
                exit(2)
            }
            inputStarted.store(DispatchTime.now().uptimeNanoseconds, ordering: .sequentiallyConsistent)
            let started = Date()
            let outcome = CompileInvariants.check(projectRoot: seed.projectRoot)
            inputStarted.store(0, ordering: .sequentiallyConsistent)
            var violations = outcome.violations
            // bash -n is a process per script: check every 25th input that compiled.
            if outcome.errors == 0, report.compiled % 25 == 0 { violations += CompileInvariants.bashSyntaxProblems(outcome.scripts) }
            report.record(outcome, seconds: Date().timeIntervalSince(started))
            corpus.restore(index)
            if !violations.isEmpty {
                let saved = corpus.keep(input, as: "violation")
                print("pallet-fuzz: invariant broken (input kept as \(saved)):")
                for violation in violations.prefix(10) { print("  \(violation)") }
                exit(1)
            }
        }
        print(report.summary(seconds: options.seconds))
    }

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var index = 0
        while index < arguments.count {
            guard index + 1 < arguments.count else { return nil }
            let value = arguments[index + 1]
            switch arguments[index] {
            case "--seconds": guard let number = Double(value) else { return nil }; options.seconds = number
            case "--seed": guard let number = UInt64(value) else { return nil }; options.seed = number
            case "--work": options.work = value
            case "--hang-seconds": guard let number = Double(value) else { return nil }; options.hangSeconds = number
            case "--repository": options.repository = value
            default: return nil
            }
            index += 2
        }
        return options
    }

    /// Aborts the process (so the supervisor keeps the input) when one input runs too long.
    static func startWatchdog(limit: Double, work: String) {
        let thread = Thread {
            while true {
                Thread.sleep(forTimeInterval: 0.25)
                let started = inputStarted.load(ordering: .sequentiallyConsistent)
                guard started != 0 else { continue }
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds &- started) / 1e9
                if elapsed > limit {
                    _ = FileManager.default.createFile(atPath: work + "/hang", contents: Data("\(elapsed)\n".utf8))
                    print("pallet-fuzz: one input has run for \(Int(elapsed)) s: a hang")
                    abort()
                }
            }
        }
        thread.start()
    }
}
