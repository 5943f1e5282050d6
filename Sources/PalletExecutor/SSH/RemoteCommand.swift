/// The one command pallet ever asks ssh to run on a node. It is a constant: nothing from the
/// specs or the inventory is ever part of it; the bundle, the node's facts and the secrets
/// arrive on standard input as a tar stream.
///
/// Under `sudo -n` (a password prompt fails at once instead of hanging), it unpacks the stream
/// into a fresh 0700 directory (the bundle's files land in `b/`), runs `b/run.sh`, and removes
/// the directory whatever happens.
public enum RemoteCommand {
    /// The command line, as the remote login shell reads it.
    public static let line = "sudo -n -- /bin/bash -c '"
        + "umask 077; d=$(mktemp -d /tmp/pallet.XXXXXXXXXX) || exit 97; "
        + "cleanup() { rm -rf -- \"$d\"; }; trap cleanup EXIT; trap \"exit 129\" HUP; trap \"exit 143\" TERM; "
        + "tar -xf - -C \"$d\" || exit 98; "
        + ". \"$d/env\"; PALLET_SECRETS_DIR=\"$d/secrets\" bash \"$d/b/run.sh\"'"

    /// The exit status of the remote command when the temporary directory cannot be made.
    public static let noTemporaryDirectory: Int32 = 97
    /// The exit status when the stream cannot be unpacked.
    public static let badStream: Int32 = 98

    /// The command that checks whether a node completed bootstrap.
    public static let bootstrapCheck = "sudo -n -- test -e /var/lib/pallet/bootstrapped"
}
