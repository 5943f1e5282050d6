/// The version of pallet, written into generated files.
public enum PalletVersion {
    /// The version string.
    public static let current = "0.1.0"
}
