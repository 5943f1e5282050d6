import PalletContract

extension SSHSettings {
    /// The `ProxyCommand` that reaches `target` through `jump`: the same `ssh` binary with every
    /// option of pallet's own connections (batch mode, timeouts, no forwarding of any kind, no
    /// agent), the bastion's own known_hosts check, user and key, and `-W` to the node.
    ///
    /// `ProxyJump` is not used: the ssh it starts gets only `-l`, `-p` and `-F` from the command
    /// line, so the bastion connection would run with the operator's defaults (their known_hosts,
    /// agent, keys) instead of these options.
    ///
    /// ssh runs the command with `$SHELL -c`, after expanding `%` tokens: each word is quoted for
    /// the shell and each `%` doubled, so every word arrives as it is.
    func proxyCommand(through jump: Jump, to target: Target, acceptNewHostKey: Bool) -> String {
        let words = [program] + connectionOptions + ["-o", "ControlMaster=no", "-o", "ControlPath=none"]
            + hostKeyOptions(pinned: jump.hostKey != nil, acceptNew: acceptNewHostKey)
            + login(port: jump.port, as: jump.credentials)
            + ["-W", "[\(target.address)]:\(target.port)", "--", jump.address]
        return words.map { ShellQuoting.quote($0).replacingOccurrences(of: "%", with: "%%") }.joined(separator: " ")
    }
}
