import Glibc

/// The package's one way to make a temporary folder: `mkdtemp`, so the name is unpredictable,
/// the folder is new (never an existing path or link an attacker planted) and only its owner may
/// enter it (mode 0700).
package enum PrivateFolder {
    /// Creates `parent/prefixXXXXXX`, the X's replaced by random characters.
    ///
    /// - Returns: The new folder's path, or nil when `mkdtemp` failed (`errno` says why).
    package static func create(in parent: String, prefix: String) -> String? {
        var template = Array("\(parent)/\(prefix)XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        guard made else { return nil }
        return template.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { String(cString: $0) } }
    }
}
