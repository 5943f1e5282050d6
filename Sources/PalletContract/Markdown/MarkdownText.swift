/// Text from the specs made safe inside the Markdown pallet writes (PLAN.md, `pallet diff`).
public enum MarkdownText {
    /// `text` on one line, safe in a table cell or a list line: control characters escaped, `|`
    /// escaped, backticks turned into `'` (so text cannot close a code span), and `<` written as
    /// `&lt;` (so text cannot open an HTML tag where the Markdown is rendered, such as a pull request).
    public static func cell(_ text: String) -> String {
        ShellQuoting.commentText(text)
            .replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "`", with: "'")
            .replacingOccurrences(of: "<", with: "&lt;")
    }
}
