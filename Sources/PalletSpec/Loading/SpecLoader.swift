import Foundation

/// Reads every `*.yaml` file under a project's spec folder into a validated ``SpecSet``.
public struct SpecLoader {
    /// The project root; locations and the inputs digest use paths relative to it.
    public let projectRoot: String
    /// The spec folder, relative to the project root.
    public let specsFolder: String

    /// The user's configuration folder (`~/.pallet`, or `$PALLET_HOME`), or nil to read none. It
    /// is only checked (a spec section there is an error): it never enters the specs, the inputs
    /// digest or `out/`.
    public let userConfigDirectory: String?

    /// Creates a loader for the project at `projectRoot`, reading `projectRoot/specsFolder` and
    /// checking the user's configuration in `userConfigDirectory` (see ``UserConfig``).
    public init(projectRoot: String, specsFolder: String = "specs", userConfigDirectory: String? = UserConfig.defaultDirectory) {
        self.projectRoot = projectRoot
        self.specsFolder = specsFolder
        self.userConfigDirectory = userConfigDirectory
    }

    /// Loads, decodes and validates the specs.
    ///
    /// - Returns: The specs; when `diagnostics` holds errors afterwards they must not be compiled.
    public func load(diagnostics: Diagnostics) -> SpecSet {
        var specs = SpecSet()
        let reader = FieldReader(diagnostics: diagnostics)
        let files = LocalFiles(projectRoot: projectRoot)
        let decoder = SpecFileDecoder(reader: reader, files: files)
        let specFiles = Self.yamlFiles(under: join(projectRoot, specsFolder))
        if specFiles.isEmpty {
            diagnostics.error(SourceLocation(file: specsFolder, line: 1, column: 1), "no *.yaml spec files found")
        }
        var documents: [(path: String, root: YAMLNode)] = []
        for subpath in specFiles {
            let relative = specsFolder + "/" + subpath
            guard let bytes = read(relative, diagnostics: diagnostics) else { continue }
            specs.inputs.append(InputFile(path: relative, bytes: bytes))
            if let root = YAMLLoader(file: relative).load(bytes, diagnostics: diagnostics) {
                documents.append((relative, root))
            }
        }
        // Hardware files may live under specs/ too; they are models, not spec files.
        let hardwareFiles = Set(documents.flatMap { hardwarePatterns(in: $0.root, file: $0.path) }.flatMap(expand))
        for document in documents where !hardwareFiles.contains(document.path) {
            decoder.decode(document.root, into: &specs)
        }
        loadBuiltInCrates(into: &specs, reader: reader, files: files)
        if let userConfigDirectory {
            _ = UserConfig(directory: userConfigDirectory).read(diagnostics: diagnostics)
        }
        for file in files.read.values where !specs.inputs.contains(where: { $0.path == file.path }) {
            specs.inputs.append(file)
        }
        if let (lock, file) = VendorLockLoader(projectRoot: projectRoot).load(diagnostics: diagnostics) {
            specs.vendorLock = lock
            specs.inputs.append(file)
        }
        loadHardwareFiles(into: &specs, reader: reader)
        ReferenceValidator(specs: specs, diagnostics: diagnostics).validate()
        return specs
    }

    /// Decodes the crates that ship with pallet, each from its own file, located at the path of
    /// its copy in out/crates/.
    func loadBuiltInCrates(into specs: inout SpecSet, reader: FieldReader, files: LocalFiles) {
        let decoder = SpecFileDecoder(reader: reader, files: files)
        let bodies = SpecBodyDecoder(reader: reader, actions: ActionDecoder(reader: reader, files: files))
        for file in BuiltInCrates.files {
            guard let root = YAMLLoader(file: file.path).load(Array(file.text.utf8), diagnostics: reader.diagnostics),
                  let fields = reader.fields(root, allowed: ["crates"], context: file.path),
                  let cratesNode = fields["crates"], let crates = reader.fields(cratesNode, allowed: [file.name], context: "crates") else { continue }
            for (name, node) in crates.pairs {
                if let crate = decoder.decodeCrate(name: name, node, bodies: bodies, builtIn: true) { specs.builtInCrates.append(crate) }
            }
        }
    }

    /// Reads a project-relative file, reporting a failure at the file itself.
    func read(_ relative: String, diagnostics: Diagnostics) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: join(projectRoot, relative)) else {
            diagnostics.error(SourceLocation(file: relative, line: 1, column: 1), "cannot read this file")
            return nil
        }
        return [UInt8](data)
    }

    /// Expands each virtualbox service's `hardware-files` patterns and merges the models found.
    func loadHardwareFiles(into specs: inout SpecSet, reader: FieldReader) {
        let services = ServiceDecoder(reader: reader)
        for index in specs.services.indices {
            guard case .virtualbox(var settings) = specs.services[index].provider else { continue }
            for pattern in settings.hardwareFiles {
                let matches = expand(pattern)
                if matches.isEmpty {
                    reader.diagnostics.error(pattern.location, "no hardware file matches '\(pattern.value.debugEscaped)'")
                }
                for file in matches {
                    guard let resolved = ProjectPath.realPath(join(projectRoot, file)),
                          ProjectPath.isInsideProject(resolved, projectRoot: projectRoot) else {
                        reader.diagnostics.error(pattern.location, "hardware file '\(file.debugEscaped)' is outside the project folder "
                            + "(symbolic links resolved); spec inputs must be inside the project")
                        continue
                    }
                    guard let bytes = read(file, diagnostics: reader.diagnostics) else { continue }
                    if !specs.inputs.contains(where: { $0.path == file }) {
                        specs.inputs.append(InputFile(path: file, bytes: bytes))
                    }
                    guard let root = YAMLLoader(file: file).load(bytes, diagnostics: reader.diagnostics),
                          let models = reader.fields(root, allowed: nil, context: "a hardware file") else { continue }
                    for (name, node) in models.pairs where reader.checkName(name, context: "hardware model name") {
                        services.merge(services.decodeHardware(name: name.value, node, over: settings.hardware), into: &settings.hardware)
                    }
                }
            }
            specs.services[index].provider = .virtualbox(settings)
        }
        specs.inputs.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The project-relative files a `hardware-files` pattern matches; patterns are relative to
    /// the spec file that holds them.
    func expand(_ pattern: Located<String>) -> [String] {
        let base = (pattern.location.file as NSString).deletingLastPathComponent
        let relativePattern = pattern.value.hasPrefix("/") ? pattern.value : join(base, pattern.value)
        return Self.glob(join(projectRoot, relativePattern)).map { relativize($0) }
    }

    /// The `hardware-files` patterns written in a spec document, found before decoding.
    func hardwarePatterns(in root: YAMLNode, file: String) -> [Located<String>] {
        guard case .mapping(let sections) = root.content else { return [] }
        var patterns: [Located<String>] = []
        for section in sections {
            guard case .scalar("services", _) = section.key.content, case .mapping(let services) = section.value.content else { continue }
            for service in services {
                guard case .mapping(let fields) = service.value.content else { continue }
                for field in fields {
                    guard case .scalar("hardware-files", _) = field.key.content else { continue }
                    switch field.value.content {
                    case .scalar(let text, _): patterns.append(Located(text, at: field.value.location))
                    case .sequence(let items):
                        for item in items {
                            if case .scalar(let text, _) = item.content { patterns.append(Located(text, at: item.location)) }
                        }
                    case .mapping: break
                    }
                }
            }
        }
        return patterns
    }

    /// The `*.yaml` and `*.yml` files under `directory` (hidden folders and files skipped), as
    /// sorted relative paths: the spec files pallet reads.
    public static func yamlFiles(under directory: String) -> [String] {
        guard let all = try? FileManager.default.subpathsOfDirectory(atPath: directory) else { return [] }
        return all.filter { path in
            (path.hasSuffix(".yaml") || path.hasSuffix(".yml"))
                && !path.split(separator: "/").contains { $0.hasPrefix(".") }
        }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The sorted paths matching a shell glob pattern.
    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let pointer = result.gl_pathv[index] { paths.append(String(cString: pointer)) }
        }
        return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// `path` relative to the project root when it lies inside it.
    func relativize(_ path: String) -> String {
        let root = projectRoot.hasSuffix("/") ? projectRoot : projectRoot + "/"
        if root == "./" { return path.hasPrefix("./") ? String(path.dropFirst(2)) : path }
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }

    func join(_ base: String, _ path: String) -> String {
        if base.isEmpty || base == "." { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }
}
