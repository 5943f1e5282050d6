/// The one command pallet ever asks ssh to run on a node. It is a constant: nothing from the
/// specs or the inventory is ever part of it; the bundle, the node's facts and the secrets
/// arrive on standard input as a tar stream.
///
/// Under `sudo -n` (a password prompt fails at once instead of hanging) it:
/// 1. makes `/run/pallet` with `mkdir -m 0700` and refuses to go on unless it is a real folder
///    (not a symbolic link) owned by root with mode 0700, so no other user can reach into it;
/// 2. takes `/run/pallet/lock` (bounded wait), makes the run's own folder
///    `/run/pallet/run.XXXXXXXXXX` and takes a shared lock on its `lock` file;
/// 3. removes every sibling `run.*` folder whose lock nobody holds: what a run killed with
///    SIGKILL (whose exit trap never ran) left behind, secrets included. A live run's folder is
///    locked by that run, so it is never touched; and because a folder is made and locked while
///    `/run/pallet/lock` is held, a starting run is never mistaken for a stale one;
/// 4. unpacks the stream into its folder (the bundle's files land in `b/`) and runs `b/run.sh`
///    under `flock -o`: the lock is held by that `flock` process for as long as `run.sh` runs,
///    while `run.sh` and the daemons it may start never inherit it (a daemon holding it would
///    keep a dead run's folder alive);
/// 5. removes its folder when it exits, whatever happens (short of SIGKILL; see 3).
///
/// Nothing is ever removed by pattern in a world-writable folder such as `/tmp`.
public enum RemoteCommand {
    /// The folder under which each run gets its private folder on the node.
    public static let runsFolder = "/run/pallet"

    /// The command line, as the remote login shell reads it.
    public static let line = "sudo -n -- /bin/bash -c '"
        + "umask 077; r=\(runsFolder); "
        + "mkdir -m 0700 -- \"$r\" 2>/dev/null; "
        + "if [[ -L $r || ! -d $r || $(stat -c %u:%a -- \"$r\") != 0:700 ]]; then "
        + "echo \"pallet: error: $r is not a folder of root with mode 0700; refusing to run\" >&2; exit 96; fi; "
        + "exec 7>\"$r/lock\" && flock -w 60 7 || exit 95; "
        + "d=$(mktemp -d \"$r/run.XXXXXXXXXX\") || exit 97; "
        + "cleanup() { rm -rf -- \"$d\"; }; trap cleanup EXIT; trap \"exit 129\" HUP; trap \"exit 143\" TERM; "
        + "exec 8>\"$d/lock\" && flock -s 8 || exit 97; "
        + "for o in \"$r\"/run.*; do "
        + "if [[ $o != \"$d\" && -d $o && ! -L $o ]] && flock -n -x \"$o/lock\" true; then rm -rf -- \"$o\"; fi; done; "
        + "exec 7>&-; "
        + "tar -xf - -C \"$d\" || exit 98; "
        + ". \"$d/env\"; PALLET_SECRETS_DIR=\"$d/secrets\" flock -o -s \"$d/lock\" bash \"$d/b/run.sh\" 8>&-'"

    /// The exit status of the remote command when the runs folder is taken by another pallet run for too long.
    public static let runsFolderBusy: Int32 = 95
    /// The exit status when `/run/pallet` is not a folder of root with mode 0700.
    public static let unsafeRunsFolder: Int32 = 96
    /// The exit status of the remote command when the run's folder cannot be made.
    public static let noTemporaryDirectory: Int32 = 97
    /// The exit status when the stream cannot be unpacked.
    public static let badStream: Int32 = 98

    /// What an exit status of the remote command means, when it is one of its own; nil otherwise.
    public static func explain(status: Int32) -> String? {
        switch status {
        case runsFolderBusy: return "\(runsFolder)/lock stayed taken by another pallet run for 60 s; nothing was run"
        case unsafeRunsFolder: return "\(runsFolder) on the node is not a folder of root with mode 0700; refusing to run"
        case noTemporaryDirectory: return "cannot make this run's folder under \(runsFolder) on the node; nothing was run"
        case badStream: return "the node could not unpack the bundle stream; nothing was run"
        default: return nil
        }
    }

    /// The command that checks whether a node completed bootstrap.
    public static let bootstrapCheck = "sudo -n -- test -e \(NodeState.bootstrapMarker)"
}
