import PalletContract

extension ShellQuoting {
    /// Quotes shell text: literal pieces in single quotes, run-time values as `"${VAR}"`.
    public static func quote(_ text: ShellText) -> String {
        if text.pieces.isEmpty { return "''" }
        return text.pieces.map { piece in
            switch piece {
            case .literal(let literal): return quote(literal)
            case .runtime(let value): return "\"${\(value.variable)}\""
            }
        }.joined()
    }
}
