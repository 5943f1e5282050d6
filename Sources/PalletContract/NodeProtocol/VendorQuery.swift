/// The fixed script pallet apply runs on a node, before a bundle with vendored packages, to learn
/// which of the bundle's `.deb` files the node lacks: only those travel in the bundle's stream.
///
/// It arrives as `b/run.sh` of a stream holding nothing else from the plan but the bundle's
/// reviewed `b/vendor.list`, and runs through ``RemoteCommand/line`` like any bundle (the ssh
/// command line stays the same constant). For each line `REQUEST NAME VERSION ARCH SHA256` it
/// prints `::pallet vendor-missing SHA256` when package NAME is not installed, or when REQUEST
/// pins NAME to VERSION and another version is installed; then `::pallet vendor-query-end`. It
/// only reads dpkg's database: it changes nothing on the node, so check mode needs no query.
public enum VendorQuery {
    /// The protocol word of a missing file's line.
    public static let missingPrefix = "::pallet vendor-missing "
    /// The line that ends a complete answer.
    public static let endLine = "::pallet vendor-query-end"

    /// The script's text.
    public static let script = """
        #!/usr/bin/env bash
        # pallet: which vendored .deb files of a bundle does this node lack? Reads dpkg's database only.
        set -euo pipefail
        list=${BASH_SOURCE[0]%/*}/vendor.list
        declare -A installed=()
        names=()
        while read -r _ name _; do names+=("$name"); done <"$list"
        if command -v dpkg-query >/dev/null && ((${#names[@]})); then
          # shellcheck disable=SC2016 # dpkg-query's format, not a shell expansion
          listing=$(dpkg-query -W -f='${Package}\\t${db:Status-Abbrev}\\t${Version}\\n' "${names[@]}" 2>/dev/null) || true
          while IFS=$'\\t' read -r package status version; do
            if [[ ${status:1:1} == i ]]; then installed[$package]=$version; fi
          done <<<"$listing"
        fi
        while read -r request name version _ sha; do
          have=${installed[$name]:-}
          if [[ -z $have ]] || [[ $request == *=* && ${request%%=*} == "$name" && $have != "$version" ]]; then
            printf '::pallet vendor-missing %s\\n' "$sha"
          fi
        done <"$list"
        printf '::pallet vendor-query-end\\n'

        """

    /// The SHA-256 values a complete answer names, or nil when `output` does not end with ``endLine``
    /// (the query broke off). Only lowercase hex values of 64 digits count.
    public static func missing(in output: String) -> Set<String>? {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard lines.contains(endLine) else { return nil }
        var found = Set<String>()
        for line in lines where line.hasPrefix(missingPrefix) {
            let sha = String(line.dropFirst(missingPrefix.count))
            if sha.utf8.count == 64, sha.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) { found.insert(sha) }
        }
        return found
    }
}
