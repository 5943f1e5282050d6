/// The files `pallet init` writes into a new project, by project-relative path.
public enum ProjectTemplate {
    /// The files' paths.
    public static let paths = ["specs/pallet.yaml", "Makefile", ".gitignore", ".gitattributes", ".github/workflows/pallet-plan.yml"]

    /// The files of a project named `project`, each with its permission bits.
    public static func files(project: String) -> [(path: String, text: String, mode: Int)] {
        zip(paths, [specs(project: project), makefile, gitignore, TarDiffDriver.gitattributes, workflow]).map { ($0, $1, 0o644) }
    }

    /// A project name for the folder `folder`: its name lowercased, every character other than
    /// a-z, 0-9 and '-' made a '-', at most 25 of them, then '-' and `suffix` (six hex digits, so
    /// two projects made from folders of the same name never share their VMs' names).
    public static func projectName(folder: String, suffix: String) -> String {
        let base = folder.split(separator: "/").last.map(String.init) ?? ""
        var name = ""
        for character in base.lowercased().unicodeScalars {
            let allowed = ("a"..."z").contains(character) || ("0"..."9").contains(character)
            if allowed { name.unicodeScalars.append(character) } else if !name.isEmpty && !name.hasSuffix("-") { name += "-" }
        }
        name = String(name.prefix(25))
        while name.hasSuffix("-") { name.removeLast() }
        return (name.isEmpty ? "pallet" : name) + "-" + suffix
    }

    /// Six random hex digits.
    public static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<6).map { _ in String(Int.random(in: 0..<16, using: &generator), radix: 16) }.joined()
    }

    static func specs(project: String) -> String { """
        # A first pallet project. `pallet plan` compiles this file (and every other *.yaml under
        # specs/) into out/; review out/, then `pallet apply` makes the machines match it.
        # The spec language: pallet's README and docs/; `pallet schema` gives editors a JSON Schema.

        # This project's name: every VirtualBox VM pallet creates carries it, and pallet touches no
        # VM that does not (VM names are <project>-<group>-<index>). Made unique by `pallet init`.
        project: \(project)

        # Who pallet logs in as on the nodes. The private key stays on this machine; it is never
        # copied into out/.
        admin-user:
          username: admin
          private-key: ~/.ssh/id_ed25519

        # Where nodes come from: machines that already exist (provider: hosts), or VirtualBox
        # VMs that `pallet apply` creates to each group's count (provider: virtualbox).
        services:
          lab:
            provider: hosts
            hosts:
              - {name: web-1, group: web, address: 192.0.2.10}   # replace with your machine

        # Server-specs: reusable sets of phases. `configure` runs on every apply; `bootstrap` runs
        # once per node, as the image's login user.
        servers:
          base:
            phases:
              configure:
                - packages: [curl, ca-certificates]
                - file:
                    path: /etc/motd
                    content: "Managed by pallet: {{ node.name }} in group {{ group }}\\n"

          web:
            extends: [base]
            phases:
              configure:
                - crate: nginx                    # a built-in crate: `pallet show web` expands it
                  with: {server-name: example.org}

        # Group-specs: which nodes get which server-specs.
        groups:
          web:
            service: lab
            extends: [web]

        """
    }

    static let makefile: String = """
        # make plan: compile specs/ into out/ (commit out/ with the specs; reviewers read it). In a git
        #   work tree it also sets git's diff driver for out/'s tars (see .gitattributes).
        # make check: fail when out/ is not what specs/ compiles to (what CI runs); pallet plan --check
        #   exits 0 when out/ is current, 2 when stale (each differing file listed), 1 on errors.
        # make apply: make the machines match out/ (VirtualBox VMs created or destroyed to each
        #   group's count, orphans destroyed), bootstrap new nodes, configure all.
        # make dry-run: what apply would change (machines and files), changing nothing.
        PALLET ?= pallet

        .PHONY: plan check apply dry-run

        plan:
        \t\(TarDiffDriver.makefileLine(pallet: "$(PALLET)"))
        \t$(PALLET) plan

        check:
        \t$(PALLET) plan --check

        apply:
        \t$(PALLET) apply

        dry-run:
        \t$(PALLET) apply --check

        """

    static let gitignore = """
        # Run logs and ssh control sockets of pallet apply; out/ and .pallet/known_hosts are
        # committed (they are what reviewers read).
        .pallet/runs/
        # The .deb files pallet vendor downloads (specs/vendor.lock, committed, names them by SHA-256).
        .pallet/vendor/

        """

    static let workflow = """
        # Fails a pull request whose out/ is not what its specs/ compile to, and writes what the change
        # does to the machines (`pallet diff` against the base commit) into the job's summary.
        #
        # The pallet that checks a change never comes from the change under review: a pull request
        # could otherwise ship a pallet (or a workflow) that passes anything. So this job
        # - runs on pull_request_target: GitHub takes the workflow from the target branch, not from
        #   the pull request, and its token is read-only (permissions below);
        # - installs the pallet release pinned here by URL and SHA-256, outside the checkout, and
        #   refuses any other bytes;
        # - only reads the change's files (specs/, out/): nothing from them is run, and the
        #   checkout keeps no credentials.
        # Set PALLET_URL and PALLET_SHA256 to the release you trust (`make release` in pallet's
        # repository builds a self-contained binary; `sha256sum` gives its digest), and change them
        # only in a reviewed commit of the target branch. Make this job a required check.
        name: pallet plan --check
        on:
          push:
            branches: [main]
          pull_request_target:
        permissions:
          contents: read
        env:
          PALLET_URL: https://example.org/pallet/releases/pallet-linux-x86_64   # the pinned release
          PALLET_SHA256: 0000000000000000000000000000000000000000000000000000000000000000
        jobs:
          plan-check:
            runs-on: ubuntu-latest
            container: debian:12          # the platform pallet's release binary is built for
            steps:
              - name: Install the pinned pallet, checked by SHA-256
                run: |
                  apt-get update && apt-get install -y --no-install-recommends ca-certificates curl git libyaml-0-2 libarchive13
                  tool=$(mktemp -d)
                  curl -fsSL --proto '=https,file' -o "$tool/pallet.download" "$PALLET_URL"
                  echo "$PALLET_SHA256  $tool/pallet.download" | sha256sum --check --strict
                  mv "$tool/pallet.download" "$tool/pallet" && chmod 0755 "$tool/pallet"
                  echo "PALLET=$tool/pallet" >> "$GITHUB_ENV"
              - uses: actions/checkout@v4
                with:
                  ref: ${{ github.event.pull_request.head.sha || github.sha }}
                  persist-credentials: false
                  fetch-depth: 0            # the base commit too, for pallet diff
              - name: pallet plan --check (the pinned pallet, on the change's files)
                run: '"$PALLET" plan --check'
              # BASE comes in through env:, never written into the script: an expression in `run:` is
              # pasted into the shell text before it runs.
              - name: What the change does to the machines (pallet diff against the base commit)
                shell: bash
                env:
                  BASE: ${{ github.event.pull_request.base.sha || github.event.before }}
                run: |
                  git config --global --add safe.directory "$GITHUB_WORKSPACE"
                  if git cat-file -e "$BASE^{commit}" 2>/dev/null; then
                    BASE=$(git merge-base "$BASE" HEAD || printf '%s' "$BASE")   # where the change branched off
                    "$PALLET" diff "$BASE" | tee -a "$GITHUB_STEP_SUMMARY"
                  else
                    echo "No review summary: the base commit is not in this clone (a first push has none)." | tee -a "$GITHUB_STEP_SUMMARY"
                  fi

        """
}
