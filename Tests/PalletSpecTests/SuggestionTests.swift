import PalletSpec
import Testing

@Suite("Suggestions and names")
struct SuggestionTests {
    @Test("close misspellings are suggested, distant words are not")
    func suggestions() {
        #expect(Suggestion.closest(to: "cuont", in: ["count", "service", "node"]) == "count")
        #expect(Suggestion.closest(to: "extend", in: ["extends", "after"]) == "extends")
        #expect(Suggestion.closest(to: "zzzzzz", in: ["count", "service"]) == nil)
    }

    @Test("names, packages, accounts and paths are checked")
    func names() {
        #expect(NameRules.isValidName("web-1.a_b"))
        #expect(!NameRules.isValidName("-rf"))
        #expect(!NameRules.isValidName("a b"))
        #expect(!NameRules.isValidName("../x"))
        #expect(NameRules.isValidPackage("g++"))
        #expect(NameRules.isValidPackage("libstdc++6"))
        #expect(NameRules.isValidPackage("nginx=1.22.1-9"))
        #expect(NameRules.isValidPackage("epoch=1:2.3~rc1+dfsg"))
        #expect(!NameRules.isValidPackage("-y"))
        #expect(!NameRules.isValidPackage("a;b"))
        #expect(!NameRules.isValidPackage("a b"))
        #expect(NameRules.isValidAccount("www-data"))
        #expect(NameRules.isValidAccount("1000"))
        #expect(!NameRules.isValidAccount("-rf"))
        #expect(!NameRules.isValidAccount("Root"))
        #expect(NameRules.isCleanAbsolutePath("/etc/x y/ü"))
        #expect(!NameRules.isCleanAbsolutePath("etc/x"))
        #expect(!NameRules.isCleanAbsolutePath("/etc/../shadow"))
        #expect(!NameRules.isCleanAbsolutePath("/etc//x"))
        #expect(NameRules.isValidMode("0644"))
        #expect(!NameRules.isValidMode("0844"))
    }
}
