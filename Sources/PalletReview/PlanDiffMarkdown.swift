import PalletContract

/// Renders a ``PlanDiff`` as Markdown that fits a pull-request comment: a summary line, then one
/// section per changed group with a table of its step changes, then what the plan newly reads on
/// the control host.
public struct PlanDiffMarkdown: Sendable {
    /// The most step rows shown for one group; the rest are counted.
    public var rowsPerGroup: Int
    /// The most characters of output (GitHub takes comments of up to 65,536); past it, groups
    /// are named but not detailed.
    public var characterBudget: Int

    /// Creates a renderer with the given limits.
    public init(rowsPerGroup: Int = 60, characterBudget: Int = 60_000) {
        self.rowsPerGroup = rowsPerGroup
        self.characterBudget = characterBudget
    }

    /// The Markdown text, ending in a newline.
    public func render(_ diff: PlanDiff) -> String {
        var lines = ["## pallet diff: \(diff.baseLabel) → \(diff.headLabel)", ""]
        if diff.isEmpty {
            lines.append("No change to any machine: every group, node and step is the same"
                + (diff.rebuiltOnly.isEmpty ? "." : " (\(rebuiltText(diff.rebuiltOnly)) rebuilt with new comments or origins only)."))
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append(summary(diff))
        lines.append("")
        var used = lines.reduce(0) { $0 + $1.count + 1 }
        var skipped: [String] = []
        for group in diff.groups {
            let section = self.section(group)
            let size = section.reduce(0) { $0 + $1.count + 1 }
            if used + size > characterBudget - 2_000 {
                skipped.append(group.name)
                continue
            }
            lines += section
            used += size
        }
        if !skipped.isEmpty {
            lines.append("Not detailed here, to fit a comment: \(skipped.map { "`\(MarkdownText.cell($0))`" }.joined(separator: ", ")) "
                + "(run `pallet diff` locally for everything).")
            lines.append("")
        }
        lines += references(diff)
        if diff.runtimeChanged {
            lines.append("The node runtime `out/lib.sh` changed: every bundle ships the new one.")
            lines.append("")
        }
        if !diff.rebuiltOnly.isEmpty {
            lines.append("Rebuilt with new comments or origins only (no step does anything new): \(rebuiltText(diff.rebuiltOnly)).")
            lines.append("")
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The one-line total: groups, steps, machines and what is newly read.
    func summary(_ diff: PlanDiff) -> String {
        let totals = diff.stepTotals
        var parts = [count(diff.groups.count, "group") + " changed",
                     "steps: \(totals.added) added, \(totals.removed) removed, \(totals.changed) changed"]
        let vmsCreated = diff.groups.filter { $0.provider == "virtualbox" }.reduce(0) { $0 + $1.nodesAdded.count }
        let vmsDestroyed = diff.groups.filter { $0.provider == "virtualbox" }.reduce(0) { $0 + $1.nodesRemoved.count }
        let hostsAdded = diff.groups.filter { $0.provider != "virtualbox" }.reduce(0) { $0 + $1.nodesAdded.count }
        let hostsRemoved = diff.groups.filter { $0.provider != "virtualbox" }.reduce(0) { $0 + $1.nodesRemoved.count }
        if vmsCreated + vmsDestroyed > 0 { parts.append("VMs: \(vmsCreated) to create, \(vmsDestroyed) to destroy") }
        if hostsAdded + hostsRemoved > 0 { parts.append("hosts: \(hostsAdded) added, \(hostsRemoved) removed") }
        if !diff.newSecrets.isEmpty { parts.append(count(diff.newSecrets.count, "new secret use")) }
        if !diff.newOperatorFiles.isEmpty { parts.append(count(diff.newOperatorFiles.count, "new operator file")) }
        return "**" + parts.joined(separator: " · ") + "**"
    }

    /// The section of one group: heading, machines, settings and the table of step changes.
    func section(_ group: PlanDiff.GroupDiff) -> [String] {
        let name = "`\(MarkdownText.cell(group.name))`"
        let machines = group.provider == "virtualbox" ? "VMs" : "nodes"
        var heading = "### Group \(name)"
        switch group.presence {
        case .added: heading += " (new): \(count(group.count.after, group.provider == "virtualbox" ? "VM" : "node"))"
        case .removed: heading += " (removed)"
        case .changed: if group.count.before != group.count.after { heading += ": \(machines) \(group.count.before) → \(group.count.after)" }
        }
        var lines = [heading, ""]
        let virtual = group.provider == "virtualbox"
        if !group.nodesAdded.isEmpty {
            lines.append("- \(virtual ? "VMs to create" : "Hosts added"): \(codeList(group.nodesAdded))")
        }
        if !group.nodesRemoved.isEmpty {
            lines.append("- \(virtual ? "VMs to destroy" : "Hosts removed (pallet no longer manages them; nothing is undone on them)"): "
                + codeList(group.nodesRemoved))
        }
        for setting in group.settings { lines.append("- \(MarkdownText.cell(setting))") }
        for phase in group.phases where phase.baseUnlisted {
            lines.append("- `\(MarkdownText.cell(phase.phase))`: the bundle \(phase.presence == .changed ? "changed" : phase.presence.rawWord); "
                + "one side was written by a pallet without step lists, so its steps are not compared one by one")
        }
        if lines.count > 2 { lines.append("") }
        let rows = group.phases.flatMap { phase in phase.steps.map { (phase.phase, $0) } }
        if !rows.isEmpty {
            lines.append("| change | phase | step | origin |")
            lines.append("|---|---|---|---|")
            for (phase, change) in rows.prefix(rowsPerGroup) { lines.append(row(phase, change)) }
            if rows.count > rowsPerGroup {
                lines.append("| … | | \(rows.count - rowsPerGroup) more step change(s) | |")
            }
            lines.append("")
        }
        return lines
    }

    /// One table row.
    func row(_ phase: String, _ change: PlanDiff.StepChange) -> String {
        let step = change.step
        var where_ = "`\(MarkdownText.cell(phase))`"
        if let handler = change.handler { where_ += ", handler `\(MarkdownText.cell(handler))`" }
        var what = "`\(MarkdownText.cell(step.action))` \(MarkdownText.cell(step.summary))"
        if !step.when.isEmpty { what += "; when os-family: " + MarkdownText.cell(step.when.joined(separator: ", ")) }
        var origin = MarkdownText.cell(step.origin)
        if let via = step.via { origin += " (\(MarkdownText.cell(via)))" }
        if let previous = change.previousOrigin { origin += "; was \(MarkdownText.cell(previous))" }
        if change.kind == .removed { origin += " (in the base)" }
        return "| \(change.kind.rawValue) | \(where_) | \(what) | \(origin) |"
    }

    /// The secrets and operator files the plan newly reads.
    func references(_ diff: PlanDiff) -> [String] {
        var lines: [String] = []
        if !diff.newSecrets.isEmpty {
            lines.append("**Secrets newly sent** (read on the control host at apply time):")
            lines.append("")
            for use in diff.newSecrets { lines.append("- \(MarkdownText.cell(use.source)) → \(MarkdownText.cell(use.bundle))") }
            lines.append("")
        }
        if !diff.newOperatorFiles.isEmpty {
            lines.append("**Operator files newly referenced** (on the control host):")
            lines.append("")
            for file in diff.newOperatorFiles { lines.append("- `\(MarkdownText.cell(file.path))`: \(MarkdownText.cell(file.use))") }
            lines.append("")
        }
        return lines
    }

    func codeList(_ names: [String]) -> String {
        names.map { "`\(MarkdownText.cell($0))`" }.joined(separator: ", ")
    }

    func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    func rebuiltText(_ bundles: [String]) -> String {
        bundles.map { "`\(MarkdownText.cell($0))`" }.joined(separator: ", ")
    }
}

extension PlanDiff.GroupDiff.Presence {
    /// The word for the summary: `added`, `removed` or `changed`.
    var rawWord: String {
        switch self {
        case .added: "added"
        case .removed: "removed"
        case .changed: "changed"
        }
    }
}
