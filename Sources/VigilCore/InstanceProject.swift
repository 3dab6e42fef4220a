/// The reserved project that instance-wide keys (role `operator`) belong to, so that every key row
/// and every fact in the log still carries a project (migration 0014). It holds no telemetry, is
/// never evaluated or reported on, and no project key can be made for it: its name starts with
/// `_`, which project names may not.
public enum InstanceProject {
    /// Its id; the projects table's identity starts at 1, so no project has it.
    public static let id: Int64 = 0
    /// Its name.
    public static let name = "_instance"
}
