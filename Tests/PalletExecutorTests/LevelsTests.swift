import PalletContract
import Testing
@testable import PalletExecutor

/// The executor's ordering logic without ssh or a node: `after:` levels, which phases a run
/// has, and which bundle runs on which node as whom after first contact.
@Suite("after: levels and node jobs")
struct LevelsTests {
    typealias Group = PlanFixture.Group

    func levels(_ groups: [Group], present: [String]? = nil) throws -> [[String]] {
        let document = try PlanFixture.document(groups)
        return GroupLevels.levels(document.groups, present: present ?? groups.map(\.name))
    }

    @Test("groups without after: run in one level, in plan order")
    func independentGroups() throws {
        #expect(try levels([Group(name: "c"), Group(name: "a"), Group(name: "b")]) == [["c", "a", "b"]])
    }

    @Test("a chain runs one level per link, whatever the plan order")
    func chain() throws {
        let groups = [Group(name: "web", after: ["app"]), Group(name: "app", after: ["db"]), Group(name: "db")]
        #expect(try levels(groups) == [["db"], ["app"], ["web"]])
    }

    @Test("a diamond: the join waits for both sides, which run together")
    func diamond() throws {
        let groups = [Group(name: "top", after: ["left", "right"]), Group(name: "left", after: ["base"]),
                      Group(name: "right", after: ["base"]), Group(name: "base"), Group(name: "loner")]
        #expect(try levels(groups) == [["base", "loner"], ["left", "right"], ["top"]])
    }

    @Test("a group named in after: that has no node in the run holds nothing up, and is not run")
    func missingGroups() throws {
        let groups = [Group(name: "web", after: ["db"]), Group(name: "db"), Group(name: "cache", after: ["db", "nowhere"])]
        #expect(try levels(groups, present: ["web", "cache"]) == [["web", "cache"]])
        #expect(try levels(groups, present: ["cache", "db", "db"]) == [["db"], ["cache"]])
        #expect(try levels(groups, present: []) == [])
        #expect(try levels(groups, present: ["not-in-plan"]) == [])
        // Not the cycle fallback: the order after the missing group still holds.
        let behind = [Group(name: "front", after: ["web"]), Group(name: "web", after: ["db"]), Group(name: "db")]
        #expect(try levels(behind, present: ["front", "web"]) == [["web"], ["front"]])
    }

    @Test("a middle link missing from the run: its followers are only held up by present groups")
    func brokenChain() throws {
        let groups = [Group(name: "a"), Group(name: "b", after: ["a"]), Group(name: "c", after: ["b"])]
        #expect(try levels(groups, present: ["a", "c"]) == [["a", "c"]])
    }

    @Test("a cycle (rejected at plan time) still ends: its groups run together after the rest")
    func cycle() throws {
        let groups = [Group(name: "x", after: ["y"]), Group(name: "y", after: ["x"]), Group(name: "z"), Group(name: "w", after: ["z", "x"])]
        #expect(try levels(groups) == [["z"], ["x", "y", "w"]])
    }

    @Test("apply runs bootstrap then configure; lift runs its one phase; the report's mode names check, apply and lift")
    func phases() {
        #expect(ExecutionOptions(phases: .apply).phases.names == ["bootstrap", "configure"])
        #expect(ExecutionOptions(phases: .lift("deploy")).phases.names == ["deploy"])
        #expect(ExecutionOptions(phases: .apply).mode == .apply)
        #expect(ExecutionOptions(phases: .lift("configure")).mode == .lift)
        #expect(ExecutionOptions(phases: .apply, check: true).mode == .check)
        #expect(ExecutionOptions(phases: .lift("deploy"), check: true).mode == .check)
        #expect(ExecutionOptions(jobs: 0).jobs == 1)
    }

    // MARK: node jobs

    let admin = Credentials(user: "pallet-admin", key: "/keys/admin")
    let image = Credentials(user: "debian", key: "/keys/image")

    func target(login: Credentials? = nil) -> Target {
        Target(name: "web-1", group: "web", index: 1, address: "192.0.2.1", port: 22, admin: admin, login: login ?? admin)
    }

    func bundle(_ phase: String) -> PlanDocument.Bundle {
        PlanDocument.Bundle(phase: PhaseName(phase), archive: "groups/web/\(phase).tar", sha256: "", steps: 1, handlers: [], secrets: [])
    }

    /// The user a choice runs as, "-" for nothing to do, or "unreachable: MESSAGE".
    func summary(_ choice: NodeJob.Choice) -> String {
        switch choice {
        case .run(let job): "\(job.bundle.phase) as \(job.credentials.user) with \(job.credentials.key ?? "no key") on \(job.target.name)"
        case .nothingToDo: "-"
        case .cannotLogIn(let message): "unreachable: \(message)"
        }
    }

    @Test("configure and lifted phases run as the admin user, whatever first contact found")
    func otherPhasesRunAsAdmin() {
        for finding: Probe.Finding? in [nil, .ready, .needsBootstrap, .adminCannotLogIn("denied")] {
            #expect(summary(NodeJob.choose(bundle("configure"), on: target(login: image), finding: finding))
                == "configure as pallet-admin with /keys/admin on web-1")
            #expect(summary(NodeJob.choose(bundle("deploy"), on: target(), finding: finding)) == "deploy as pallet-admin with /keys/admin on web-1")
        }
    }

    @Test("bootstrap: only where it never completed; as the admin when it logs in, else as the image's login user")
    func bootstrapChoice() {
        #expect(summary(NodeJob.choose(bundle("bootstrap"), on: target(login: image), finding: .ready)) == "-")
        #expect(summary(NodeJob.choose(bundle("bootstrap"), on: target(login: image), finding: nil)) == "-")
        #expect(summary(NodeJob.choose(bundle("bootstrap"), on: target(login: image), finding: .failed(.unreachable, "timeout"))) == "-")
        #expect(summary(NodeJob.choose(bundle("bootstrap"), on: target(login: image), finding: .needsBootstrap))
            == "bootstrap as pallet-admin with /keys/admin on web-1")
        #expect(summary(NodeJob.choose(bundle("bootstrap"), on: target(login: image), finding: .adminCannotLogIn("Permission denied")))
            == "bootstrap as debian with /keys/image on web-1")
    }

    @Test("bootstrap on a node whose only user is the admin, and the admin cannot log in: unreachable, with ssh's reason")
    func bootstrapWithoutLogin() {
        #expect(summary(NodeJob.choose(bundle("bootstrap"), on: target(), finding: .adminCannotLogIn("Permission denied (publickey)")))
            == "unreachable: cannot log in as pallet-admin: Permission denied (publickey)")
    }
}
