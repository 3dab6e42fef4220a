/// `vigil demo`: realistic traffic through Vigil's own endpoints (being built).
public enum Demo {}
