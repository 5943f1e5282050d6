import PalletSpec
import Testing

/// The rule every host address meets, whether a spec names it or a VM reports it.
@Suite("Host address rule")
struct AddressRuleTests {
    @Test("host names and IPv4/IPv6 literals pass; empty labels, '..', leading '-', spaces and quotes do not")
    func addresses() {
        for good in ["localhost", "127.0.0.2", "db-1.example.org", "web_1", "::1", "fe80::1", "2001:db8::10", "::ffff:192.0.2.1", "A.B"] {
            #expect(NameRules.isValidAddress(good), "\(good)")
        }
        for bad in ["", "..", "a..b", ".", "a.", "-oProxyCommand=x", "a.-b", "a b", "a;b", "'a'", "$(x)", "fe80::1%eth0", "12345::1",
                    String(repeating: "a", count: 64), String(repeating: "a.", count: 127) + "a"] {
            #expect(!NameRules.isValidAddress(bad), "\(bad)")
        }
    }
}
