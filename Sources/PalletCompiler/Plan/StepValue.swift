import PalletSpec

/// A value of a step: text for the script, or a secret the executor delivers at apply time.
public enum StepValue: Sendable {
    /// Text, quoted when emitted.
    case text(ShellText)
    /// A secret, referred to by identifier; its value never enters the plan.
    case secret(SecretReference)
}
