/// The analyst's web view served at `/ui` (being built).
public enum WebUI {}
