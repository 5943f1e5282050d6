import PalletCompiler

/// The version shown by `pallet --version`.
enum PalletVersionString {
    static let value = PalletVersion.current
}
