import PalletCompiler
import PalletSpec
import PalletTestSupport
import Testing

@Suite("Resolution: extends, phases, vars")
struct ResolutionTests {
    func plan(_ yaml: String) throws -> (Plan?, [String]) {
        let project = try TemporaryProject(files: ["specs/main.yaml": mainSpec(yaml).text])
        defer { project.remove() }
        let diagnostics = Diagnostics()
        let specs = SpecLoader(projectRoot: project.root).load(diagnostics: diagnostics)
        guard !diagnostics.hasErrors else { return (nil, diagnostics.sorted.map(\.description)) }
        let plan = Resolver(specs: specs, diagnostics: diagnostics).resolve()
        return (diagnostics.hasErrors ? nil : plan, diagnostics.sorted.map(\.description))
    }

    func summaries(_ bundle: BundlePlan) -> [String] {
        bundle.steps.map(\.summary.templateText)
    }

    @Test("parents first in declared order, a spec reached twice contributes once, own contributions last")
    func extendsOrder() throws {
        let (plan, errors) = try plan("""
            servers:
              base: {phases: {configure: [{exec: {script: base}}]}}
              a: {extends: [base], phases: {configure: [{exec: {script: a}}]}}
              b: {extends: [base], phases: {configure: [{exec: {script: b}}]}}
            groups:
              g:
                service: lab
                extends: [a, b]
                phases: {configure: [{exec: {script: own}}]}
            """)
        #expect(errors.isEmpty)
        let group = try #require(plan?.groups.first)
        #expect(group.chain == ["base", "a", "b"])
        #expect(summaries(try #require(group.bundles.first { $0.phase == "configure" })) == ["base", "a", "b", "own"])
    }

    @Test("pre-X and post-X wrap X across the whole chain; phases are ordered")
    func prePostPhases() throws {
        let (plan, errors) = try plan("""
            servers:
              base:
                phases:
                  post-configure: [{exec: {script: base-post}}]
                  configure: [{exec: {script: base-main}}]
                  deploy: [{exec: {script: base-deploy}}]
                  pre-configure: [{exec: {script: base-pre}}]
            groups:
              g:
                service: lab
                extends: [base]
                phases:
                  pre-configure: [{exec: {script: own-pre}}]
                  configure: [{exec: {script: own-main}}]
                  post-configure: [{exec: {script: own-post}}]
                  bootstrap: [{exec: {script: boot}}]
            """)
        #expect(errors.isEmpty)
        let group = try #require(plan?.groups.first)
        #expect(group.bundles.map(\.phase) == ["bootstrap", "configure", "deploy"])
        #expect(summaries(group.bundles[1]) == ["base-pre", "own-pre", "base-main", "own-main", "base-post", "own-post"])
    }

    @Test("every group has a configure bundle, even without steps")
    func emptyConfigure() throws {
        let (plan, _) = try plan("groups:\n  g: {service: lab}\n")
        #expect(plan?.groups.first?.bundles.map(\.phase) == ["configure"])
        #expect(plan?.groups.first?.bundles.first?.steps.isEmpty == true)
    }

    @Test("vars: the group overrides server-specs, later parents override earlier; node values stay for run time")
    func variables() throws {
        let (plan, errors) = try plan("""
            servers:
              a: {vars: {x: from-a, y: from-a}}
              b: {vars: {y: from-b, z: from-b}}
            groups:
              g:
                service: lab
                extends: [a, b]
                vars: {z: from-group}
                phases:
                  configure:
                    - file: {path: "/etc/{{ x }}-{{ y }}-{{ z }}", content: "{{ node.name }}@{{ group }}"}
            """)
        #expect(errors.isEmpty)
        let step = try #require(plan?.groups.first?.bundles.first?.steps.first)
        guard case .text(let path)? = step.option("path"), case .payload(let content, let render)? = step.option("content") else {
            Issue.record("expected a file step with a path and a content payload")
            return
        }
        #expect(path.literalText == "/etc/from-a-from-b-from-group")
        #expect(content == Array("{{ node.name }}@g".utf8))
        #expect(render)
    }

    @Test("an undefined variable is a located error")
    func undefinedVariable() throws {
        let yaml = """
            groups:
              g:
                service: lab
                vars: {port: "80"}
                phases: {configure: [{file: {path: ⟨prot⟩"/etc/{{ prot }}"}}]}
            """
        let (_, errors) = try plan(yaml)
        #expect(errors == ["\(mainSpec(yaml).at("prot", in: "specs/main.yaml")): error: undefined variable 'prot' in group 'g'; did you mean 'port'?"])
    }

    @Test("hosts groups list their nodes; virtualbox groups get indexed names and a resolved machine")
    func nodesAndMachines() throws {
        let nodes = MarkedText("nodes:\n  t: {image: ⟨tie⟩{os-family: debian}}\n")
        let project = try TemporaryProject(files: [
            "specs/main.yaml": """
                project: demo
                services:
                  vbox:
                    provider: virtualbox
                    images:
                      deb12: {disk: /d12.vdi, os-family: debian, os-version: "12"}
                      deb11: {disk: /d11.vdi, os-family: debian, os-version: "11"}
                    hardware:
                      small: {memory: 1536}
                    hardware-files: [hw/*.yaml]
                nodes:
                  n: {image: {os-family: debian, os-version: "12"}, hardware: huge}
                  m: {image: deb11, hardware: {memory: 700, cpus: 2}, network: nat}
                groups:
                  web: {service: vbox, node: n, count: 3}
                  db: {service: vbox, node: m, count: 1}
                  tie: {service: vbox, node: t, count: 1}
                """,
            "specs/hw/extra.yaml": "huge: {memory: 16384, cpus: 8}\n",
            "specs/nodes.yaml": nodes.text,
        ])
        defer { project.remove() }
        let diagnostics = Diagnostics()
        let specs = SpecLoader(projectRoot: project.root).load(diagnostics: diagnostics)
        let plan = Resolver(specs: specs, diagnostics: diagnostics).resolve()
        #expect(diagnostics.sorted.map(\.description) == [
            "\(nodes.at("tie", in: "specs/nodes.yaml")): error: 2 images of service 'vbox' match os-family debian: 'deb12', 'deb11'; name one, or add os-version",
        ])
        let web = try #require(plan.groups.first { $0.name == "web" })
        #expect(web.nodes.map(\.name) == ["web-1", "web-2", "web-3"])
        #expect(web.machine?.image.name.value == "deb12")
        #expect(web.machine?.hardware == HardwareModel(name: "huge", memory: 16384, cpus: 8, vram: 16, location: web.machine?.hardware.location))
        #expect(web.machine?.network.summary == "local")
        let db = try #require(plan.groups.first { $0.name == "db" })
        #expect(db.machine?.hardware.memory == 700)
        #expect(db.machine?.hardware.cpus == 2)
        #expect(db.machine?.network.summary == "nat")
        guard case .virtualbox(let settings)? = specs.service(named: "vbox")?.provider else {
            Issue.record("expected a virtualbox service")
            return
        }
        #expect(settings.hardwareModel(named: "small")?.memory == 1536)
        #expect(settings.hardwareModel(named: "small")?.cpus == 1)
        #expect(settings.hardwareModel(named: "large")?.memory == 4096)
        #expect(specs.inputs.map(\.path) == ["specs/hw/extra.yaml", "specs/main.yaml", "specs/nodes.yaml"])
    }
}
