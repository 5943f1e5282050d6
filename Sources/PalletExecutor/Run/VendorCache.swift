import Foundation
import PalletContract

/// The project's vendor cache on the control host (`.pallet/vendor/<sha256>.deb`): each file a
/// node's bundles need is checked before anything runs on that node, and read again (and hashed
/// again) when it is sent.
struct VendorCache: Sendable {
    /// The cache folder.
    let folder: String

    /// The file's path as messages name it, relative to the project: `.pallet/vendor/<sha256>.deb`.
    static func displayName(of package: VendoredPackage) -> String {
        ".pallet/vendor/\(package.cacheName) (\(package.name) \(package.version))"
    }

    /// The problem with each package whose cached file is missing, not a regular file, or does not
    /// match its SHA-256, by SHA-256; each file is read once.
    func problems(_ packages: [VendoredPackage]) -> [String: String] {
        var problems: [String: String] = [:]
        var checked = Set<String>()
        for package in packages where checked.insert(package.sha256).inserted {
            do {
                _ = try bytes(of: package)
            } catch {
                problems[package.sha256] = "\(error)"
            }
        }
        return problems
    }

    /// The file's bytes, checked against the package's SHA-256.
    func bytes(of package: VendoredPackage) throws -> [UInt8] {
        let path = folder + "/" + package.cacheName
        let name = Self.displayName(of: package)
        var info = stat()
        guard lstat(path, &info) == 0 else { throw LoadedPlan.ReadError(description: "vendored file \(name) is missing; run `pallet vendor`") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw LoadedPlan.ReadError(description: "vendored file \(name) is not a regular file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadedPlan.ReadError(description: "vendored file \(name) cannot be read")
        }
        let bytes = [UInt8](data)
        guard SHA256.hexDigest(bytes) == package.sha256 else {
            throw LoadedPlan.ReadError(description: "vendored file \(name) does not match its SHA-256 in the plan (altered?); run `pallet vendor`")
        }
        return bytes
    }
}
