/// The git diff driver that shows the bundle tars of `out/` as text (`pallet textconv`): the
/// `.gitattributes` line that selects it and the git setting that defines it, as `pallet init`,
/// the Makefile it writes and pallet's own repository set them up.
public enum TarDiffDriver {
    /// The driver's name in `.gitattributes` and in git's configuration.
    public static let name = "pallet-tar"

    /// The git configuration key that names the driver's text conversion command.
    public static let configKey = "diff.\(name).textconv"

    /// The text conversion command when `pallet` is on PATH.
    public static let command = "pallet textconv"

    /// The `.gitattributes` line that sends every tar under `out/` through the driver.
    public static let attribute = "out/**/*.tar diff=\(name)"

    /// The `.gitattributes` file `pallet init` writes.
    public static let gitattributes = """
        # git diff shows the bundle tars of out/ as text through `pallet textconv` (one line per member:
        # path, mode, size, SHA-256; run.sh and files/ are expanded beside each tar for review) instead
        # of "Binary files differ". The driver itself is a setting of each clone, which `pallet init`
        # and `make plan` set:  git config \(configKey) "\(command)"
        \(attribute)

        """

    /// The Makefile line (a recipe line without its tab) that sets the driver to `$(PALLET) textconv`
    /// when make runs in a git work tree, and does nothing elsewhere (or without git).
    public static func makefileLine(pallet: String) -> String {
        "@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then git config \(configKey) \"\(pallet) textconv\"; fi"
    }
}
