import Foundation
import PalletTestSupport
import Testing

/// The simulator's media registry, held to what VirtualBox does: registered and unregistered
/// files, differencing children of a multiattach base, closemedium's refusals, and what
/// unregistervm keeps and deletes with and without --delete.
extension VBoxSimulatorTests {
    /// A multiattach base disk and a VM that has a differencing child of it; returns the VM's UUID,
    /// the child's UUID and the child's path.
    func vmOnBase(_ name: String, base: String) throws -> (vm: String, child: String, path: String) {
        let vm = try makeVM(name, medium: base)
        let info = try vbox(["showvminfo", vm, "--machinereadable"]).stdout
        return (vm, field(info, "SATA-ImageUUID-0-0") ?? "", field(info, "SATA-0-0") ?? "")
    }

    func multiattachBase(_ name: String) throws -> (path: String, uuid: String) {
        let base = try disk(name)
        #expect(try vbox(["modifymedium", "disk", base, "--type", "multiattach"]).status == 0)
        return (base, field(try vbox(["showmediuminfo", "disk", base]).stdout, "UUID") ?? "")
    }

    @Test("an unregistered file is opened for showmediuminfo (same UUID every time) but list hdds lists only registered media")
    func registeredAndUnregistered() throws {
        let loose = try disk("loose.vdi")
        let once = try vbox(["showmediuminfo", loose])
        #expect(once.status == 0, "\(once.combined)")
        #expect(field(once.stdout, "Parent UUID") == "base" && field(once.stdout, "Type") == "normal (base)")
        #expect(field(once.stdout, "State") == "created" && field(once.stdout, "Location") == loose)
        #expect(field(try vbox(["showmediuminfo", "disk", loose]).stdout, "UUID") == field(once.stdout, "UUID"))
        #expect(try vbox(["list", "hdds"]).stdout.isEmpty)
        let missing = try vbox(["showmediuminfo", "disk", home + "/nothing.vdi"])
        #expect(missing.status == 1 && missing.stderr.contains("VBoxManage: error: Could not find file for the medium '\(home)/nothing.vdi' (VERR_FILE_NOT_FOUND)"))

        let base = try multiattachBase("base.vdi")
        let web = try vmOnBase("web-1", base: base.path)
        #expect(web.path.hasPrefix(home + "/vms/web-1/Snapshots/{") && web.path != base.path)
        let child = try vbox(["showmediuminfo", "disk", web.child]).stdout
        #expect(field(child, "Parent UUID") == base.uuid && field(child, "Type") == "normal (differencing)")
        #expect(field(child, "Location") == web.path && field(child, "In use by VMs") == "web-1 (UUID: \(web.vm))")
        let parent = try vbox(["showmediuminfo", base.uuid]).stdout
        #expect(field(parent, "Type") == "multiattach" && field(parent, "Child UUIDs") == web.child && field(parent, "In use by VMs") == nil)
        let hdds = try vbox(["list", "hdds"]).stdout
        #expect(hdds.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { field($0, "UUID") } == [base.uuid, web.child])
        #expect(hdds.hasPrefix("UUID:           \(base.uuid)\nParent UUID:    base\nState:          created\nType:           multiattach\nLocation:       \(base.path)\n"))

        #expect(try vbox(["startvm", web.vm, "--type", "headless"]).status == 0)
        #expect(field(try vbox(["showmediuminfo", web.child]).stdout, "State") == "locked write")
        #expect(field(try vbox(["showmediuminfo", base.path]).stdout, "State") == "locked read")

        let lost = try disk("lost.vdi")
        #expect(try vbox(["modifymedium", lost, "--type", "normal"]).status == 0, "opening a file to modify it registers it")
        try FileManager.default.removeItem(atPath: lost)
        let listed = try vbox(["list", "hdds"]).stdout.components(separatedBy: "\n\n").first { $0.contains("Location:       \(lost)\n") }
        #expect(listed.flatMap { field($0, "State") } == "inaccessible")
        #expect(try vbox(["closemedium", "disk", lost]).status == 0, "an inaccessible medium can be closed")
        #expect(!(try vbox(["list", "hdds"]).stdout.contains(lost)))
    }

    @Test("closemedium refuses a medium attached to a VM or with children; a detached child stays registered until closed")
    func closeMediumRefusals() throws {
        let base = try multiattachBase("base.vdi")
        let web = try vmOnBase("web-1", base: base.path)
        for arguments in [["closemedium", "disk", web.child], ["closemedium", web.path, "--delete"]] {
            let refused = try vbox(arguments)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("VBoxManage: error: Medium '\(web.path)' cannot be closed because it is still attached to 1 virtual machines"), "\(refused.stderr)")
            #expect(refused.stderr.contains("VBOX_E_OBJECT_IN_USE"))
        }
        #expect(try vbox(["closemedium", web.child, "--delete"]).stderr.contains("Cannot delete storage: medium '\(web.path)' is still attached to the following 1 virtual machine(s)"))
        for arguments in [["closemedium", "disk", base.path], ["closemedium", "disk", base.uuid, "--delete"]] {
            let refused = try vbox(arguments)
            #expect(refused.status == 1 && refused.stderr.contains("VBoxManage: error: Cannot close medium '\(base.path)' because it has 1 child media"), "\(refused.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: web.path) && FileManager.default.fileExists(atPath: base.path))

        #expect(try vbox(["storageattach", web.vm, "--storagectl", "SATA", "--port", "0", "--device", "0", "--medium", "none"]).status == 0)
        let slots = try vbox(["showvminfo", web.vm, "--machinereadable"]).stdout
        #expect(field(slots, "SATA-0-0") == "none" && field(slots, "SATA-ImageUUID-0-0") == nil, "an empty slot reads none")
        let detached = try vbox(["showmediuminfo", "disk", web.child]).stdout
        #expect(field(detached, "Parent UUID") == base.uuid && field(detached, "In use by VMs") == nil)
        #expect(try vbox(["list", "hdds"]).stdout.contains("UUID:           \(web.child)\n"), "the child stays registered")
        let deleted = try vbox(["closemedium", "--delete", "disk", web.child])
        #expect(deleted.status == 0, "\(deleted.combined)")
        #expect(!FileManager.default.fileExists(atPath: web.path) && FileManager.default.fileExists(atPath: base.path))
        #expect(try vbox(["showmediuminfo", web.child]).status == 1)
        #expect(try vbox(["closemedium", "disk", base.path]).status == 0)
        #expect(try vbox(["list", "hdds"]).stdout.isEmpty)
        let reopened = try vbox(["showmediuminfo", base.path]).stdout
        #expect(field(reopened, "UUID") == base.uuid && field(reopened, "Type") == "normal (base)", "closing forgets the type, not the UUID")
    }

    @Test("unregistervm without --delete deletes nothing on disk and closes the VM's media; the base stays registered")
    func unregisterKeepsFiles() throws {
        let base = try multiattachBase("base.vdi")
        let web = try vmOnBase("web-1", base: base.path)
        let foreignDisk = try disk("foreign.vdi")
        let foreign = try makeVM("web-1", medium: foreignDisk, basefolder: home + "/other")
        let settings = field(try vbox(["showvminfo", web.vm, "--machinereadable"]).stdout, "CfgFile") ?? ""
        #expect(try vbox(["unregistervm", web.vm]).status == 0)
        for path in [settings, web.path, base.path, foreignDisk] {
            #expect(FileManager.default.fileExists(atPath: path), "\(path) must stay")
        }
        #expect(try vbox(["list", "vms"]).stdout == "\"web-1\" {\(foreign)}\n", "only the VM named by UUID went")
        let gone = try vbox(["showmediuminfo", web.child])
        #expect(gone.status == 1 && gone.stderr.contains("VERR_FILE_NOT_FOUND"), "VBoxManage closes the returned media")
        let byPath = try vbox(["showmediuminfo", web.path]).stdout
        #expect(field(byPath, "UUID") == web.child && field(byPath, "Parent UUID") == base.uuid)
        #expect(field(try vbox(["showmediuminfo", base.uuid]).stdout, "Type") == "multiattach")
        #expect(try vbox(["closemedium", "disk", web.path, "--delete"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: web.path) && FileManager.default.fileExists(atPath: base.path))
        #expect(try vbox(["unregistervm", foreign]).status == 0)
        #expect(FileManager.default.fileExists(atPath: foreignDisk))
    }

    @Test("unregistervm --delete deletes the VM's own child and files, a disk no other VM uses, never the base or another VM's disk")
    func unregisterDelete() throws {
        let base = try multiattachBase("base.vdi")
        let web = try vmOnBase("web-1", base: base.path)
        let other = try vmOnBase("web-2", base: base.path)
        #expect(try vbox(["startvm", web.vm, "--type", "headless"]).status == 0)
        #expect(try vbox(["controlvm", web.vm, "poweroff"]).status == 0)
        usleep(600_000)
        let folder = home + "/vms/web-1"
        #expect(FileManager.default.fileExists(atPath: folder + "/Logs/VBox.log"))
        #expect(try vbox(["unregistervm", web.vm, "--delete"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: web.path) && !FileManager.default.fileExists(atPath: folder))
        #expect(FileManager.default.fileExists(atPath: base.path) && FileManager.default.fileExists(atPath: other.path))
        #expect(field(try vbox(["showmediuminfo", base.path]).stdout, "Child UUIDs") == other.child)

        let shared = try disk("shared.vdi")
        let a = try makeVM("a", medium: shared)
        let b = try makeVM("b", medium: shared)
        try "keep".write(toFile: home + "/vms/a/notes.txt", atomically: true, encoding: .utf8)
        #expect(try vbox(["unregistervm", a, "--delete"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: shared), "still attached to b")
        #expect(FileManager.default.fileExists(atPath: home + "/vms/a/notes.txt") && !FileManager.default.fileExists(atPath: home + "/vms/a/a.vbox"))
        #expect(try vbox(["unregistervm", b, "--delete"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: shared), "vmfest#46: a normal disk attached directly goes with its last VM")
        #expect(try vbox(["unregistervm", other.vm, "--delete"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: base.path))
        #expect(field(try vbox(["list", "hdds"]).stdout, "UUID") == base.uuid)
    }
    @Test("detach, unregistervm, closemedium CHILD --delete: the VM and its child go, the base and a foreign VM of the same name stay")
    func destroyWithoutDelete() throws {
        let base = try multiattachBase("base.vdi")
        let web = try vmOnBase("p-web-1", base: base.path)
        let foreignDisk = try disk("foreign.vdi")
        let foreign = try makeVM("p-web-1", medium: foreignDisk, basefolder: home + "/other")
        #expect(try vbox(["startvm", web.vm, "--type", "headless"]).status == 0)
        #expect(try vbox(["controlvm", web.vm, "poweroff"]).status == 0)
        usleep(600_000)
        #expect(try vbox(["storageattach", web.vm, "--storagectl", "SATA", "--port", "0", "--device", "0", "--medium", "none"]).status == 0)
        #expect(try vbox(["unregistervm", web.vm]).status == 0)
        let child = try vbox(["showmediuminfo", "disk", web.child]).stdout
        #expect(field(child, "Parent UUID") == base.uuid, "detached first, the child is still registered")
        #expect(try vbox(["closemedium", "disk", web.child, "--delete"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: web.path) && FileManager.default.fileExists(atPath: base.path))
        #expect(FileManager.default.fileExists(atPath: home + "/vms/p-web-1/p-web-1.vbox"), "unregistervm deletes no file")
        #expect(try vbox(["list", "vms"]).stdout == "\"p-web-1\" {\(foreign)}\n")
        let hdds = try vbox(["list", "hdds"]).stdout.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(hdds.map { field($0, "Location") } == [base.path, foreignDisk])
        #expect(hdds.first.flatMap { field($0, "Type") } == "multiattach")
    }
}
