import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

/// Words a user of Clojure's Pallet writes by habit get a located hint naming this language's
/// word; each place is a `⟨marker⟩` in the spec text.
@Suite("Hints for a Pallet user's words")
struct FamiliarWordsTests {
    /// The spec file `compileMain` writes.
    let main = "specs/main.yaml"

    @Test("remote-file is reported with 'did you mean file' and how its options map; nothing is compiled")
    func remoteFile() throws {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - ⟨remote⟩remote-file: {path: /etc/motd, content: "hi"}
            """)
        let (tree, errors) = try compile([main: spec.text])
        #expect(tree == nil)
        #expect(errors == [
            "\(spec.at("remote", in: main)): error: unknown action 'remote-file' in phase 'configure' of group-spec 'g'; did you mean 'file'? "
                + "Pallet's remote-file options map to 'file' as: :content is 'content', :local-file is 'source' (a file next to the spec), "
                + ":template is 'template', :url is 'url' with 'sha256'",
        ])
    }

    @Test("exec-script and exec-checked-script are reported with 'did you mean exec'")
    func execScript() throws {
        let spec = mainSpec("""
            servers:
              s:
                phases:
                  configure:
                    - ⟨script⟩exec-script: "echo hi"
                    - ⟨checked⟩exec-checked-script: "echo hi"
            groups:
              g: {service: lab, extends: [s]}
            """)
        let (tree, errors) = try compile([main: spec.text])
        #expect(tree == nil)
        let hint = "did you mean 'exec'? The script goes in 'script': '- exec: {script: \"...\"}'"
        #expect(errors == [
            "\(spec.at("script", in: main)): error: unknown action 'exec-script' in phase 'configure' of server-spec 's'; \(hint)",
            "\(spec.at("checked", in: main)): error: unknown action 'exec-checked-script' in phase 'configure' of server-spec 's'; \(hint)",
        ])
    }

    @Test("a package's version: is reported with 'write name=version', in package, packages and a list item")
    func packageVersion() throws {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - package: {name: nginx, ⟨one⟩version: "1.22.1-9"}
                    - packages: {names: [curl], ⟨many⟩version: "7.88"}
                    - packages: [git, ⟨item⟩{name: vim, version: "2:9.0"}]
            """)
        let (tree, errors) = try compile([main: spec.text])
        #expect(tree == nil)
        #expect(errors == [
            "\(spec.at("one", in: main)): error: unknown key 'version' in 'package'; "
                + "write the version into the package name as name=version, such as 'nginx=1.22.1-9'",
            "\(spec.at("many", in: main)): error: unknown key 'version' in 'packages'; "
                + "write the version into the package name as name=version, such as 'curl=7.88'",
            "\(spec.at("item", in: main)): error: a package with a version is written as one name; "
                + "write the version into the package name as name=version, such as 'vim=2:9.0'",
        ])
    }

    @Test("the pinned form the hint gives compiles")
    func pinnedFormCompiles() throws {
        let (tree, errors) = try compileMain("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - package: {name: "nginx=1.22.1-9"}
                    - packages: [git, "vim=2:9.0"]
            """)
        #expect(errors == [])
        #expect(tree?.text("groups/g/configure/run.sh")?.contains("'vim=2:9.0'") == true)
    }

    @Test("a user's ssh-key is reported with 'use an authorized-key step' naming the user")
    func userSSHKey() throws {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - user: {name: deploy, ⟨key⟩ssh-key: "ssh-ed25519 AAAA deploy@example"}
                    - user: {name: ops, ⟨keys⟩authorized-keys: []}
            """)
        let (tree, errors) = try compile([main: spec.text])
        #expect(tree == nil)
        #expect(errors == [
            "\(spec.at("key", in: main)): error: unknown key 'ssh-key' in 'user'; a user's ssh key is its own step: "
                + "use an 'authorized-key' step, '- authorized-key: {user: deploy, key: \"ssh-ed25519 AAAA... comment\"}'",
            "\(spec.at("keys", in: main)): error: unknown key 'authorized-keys' in 'user'; a user's ssh key is its own step: "
                + "use an 'authorized-key' step, '- authorized-key: {user: ops, key: \"ssh-ed25519 AAAA... comment\"}'",
        ])
    }

    @Test("other unknown words keep the edit-distance hint")
    func otherWordsUnchanged() throws {
        let spec = mainSpec("""
            groups:
              g:
                service: lab
                phases:
                  configure:
                    - ⟨pakage⟩pakage: nginx
                    - package: {name: nginx, ⟨stat⟩stat: present}
                    - user: {name: ops, ⟨shel⟩shel: /bin/sh}
            """)
        let (_, errors) = try compile([main: spec.text])
        #expect(errors == [
            "\(spec.at("pakage", in: main)): error: unknown action 'pakage' in phase 'configure' of group-spec 'g'; did you mean 'package'?",
            "\(spec.at("stat", in: main)): error: unknown key 'stat' in 'package'; did you mean 'state'?",
            "\(spec.at("shel", in: main)): error: unknown key 'shel' in 'user'; did you mean 'shell'?",
        ])
    }
}
