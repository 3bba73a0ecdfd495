/// The tool's version, shown by `exp --version` and recorded in every run.
public enum ExpVersion {
    public static let string = "0.1.0"
}
