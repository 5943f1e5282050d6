import PalletContract

/// What pallet reads from apt-get's output (run with `LC_ALL=C`).
enum AptOutput {
    /// The packages a simulated install (`apt-get -s install`) would install, as name and
    /// version, from its `Inst NAME (VERSION ARCHIVES [ARCH])` lines, in apt's order.
    static func installs(_ output: String) -> [(name: String, version: String)] {
        output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("Inst ") else { return nil }
            let words = line.dropFirst(5).split(separator: " ")
            guard let name = words.first, let open = words.firstIndex(where: { $0.hasPrefix("(") }) else { return nil }
            let version = words[open].dropFirst()
            guard !version.isEmpty else { return nil }
            return (String(name), String(version))
        }
    }

    /// The file names `apt-get --print-uris` lists (`'URI' NAME_VERSION_ARCH.deb SIZE HASH`),
    /// each with its package, version (`%3a` decoded to the epoch's `:`) and architecture.
    static func printedFiles(_ output: String) -> [(file: String, name: String, version: String, architecture: String)] {
        output.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("'") else { return nil }
            let words = line.split(separator: " ")
            guard words.count >= 2, words[1].hasSuffix(".deb"), !words[1].contains("/") else { return nil }
            let file = String(words[1])
            let parts = file.dropLast(4).split(separator: "_")
            guard parts.count == 3 else { return nil }
            let version = String(parts[1]).replacingOccurrences(of: "%3a", with: ":").replacingOccurrences(of: "%3A", with: ":")
            return (file, String(parts[0]), version, String(parts[2]))
        }
    }

    /// apt's error and warning lines (`E:`, `W:`), or its last lines when it printed none.
    static func problems(_ output: String) -> String {
        let lines = output.split(separator: "\n")
        let marked = lines.filter { $0.hasPrefix("E: ") || $0.hasPrefix("W: ") || $0.hasPrefix("Err:") }
        return (marked.isEmpty ? Array(lines.suffix(5)) : marked).joined(separator: "\n")
    }
}
