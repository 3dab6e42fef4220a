/// The dashboards Vigil serves: the shipped files and a team's imported ones (being built).
public enum DashboardCatalog {}
