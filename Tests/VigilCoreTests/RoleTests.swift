import Testing
import VigilCore

@Suite("Roles and their permissions")
struct RoleTests {
    /// The matrix as the Governance issue states it, written out here on its own, so that a change
    /// to `Role.permissions` has to be made twice, on purpose.
    static let expected: [Role: Set<Permission>] = [
        .ingest: [.ingestTelemetry, .checkQuota],
        .read: [.readProject, .listRules, .checkQuota],
        .operate: [.readProject, .listRules, .operateProject, .checkQuota],
        .admin: [.ingestTelemetry, .readProject, .listRules, .operateProject, .administerProject, .readAudit, .checkQuota],
        .operator: [.listRules, .viewReceiverDetails, .reloadRules, .readAudit],
    ]

    @Test("each role holds exactly the permissions of the matrix", arguments: Role.allCases)
    func matrix(role: Role) throws {
        let expected = try #require(Self.expected[role], "role \(role.rawValue) has no line in the test's matrix")
        for permission in Permission.allCases {
            #expect(role.permits(permission) == expected.contains(permission), "\(role.rawValue) × \(permission.rawValue)")
        }
    }

    @Test("read never mutates; operate adds only on-call actions; admin is not the operator; the operator sees no project")
    func separations() {
        let projectMutations: [Permission] = [.ingestTelemetry, .operateProject, .administerProject, .reloadRules]
        #expect(projectMutations.allSatisfy { !Role.read.permits($0) })
        #expect(Role.operate.permissions.subtracting(Role.read.permissions) == [.operateProject])
        #expect(Role.admin.permissions.isSuperset(of: Role.operate.permissions))
        #expect(!Role.admin.permits(.reloadRules) && !Role.admin.permits(.viewReceiverDetails))
        let projectData: [Permission] = [.ingestTelemetry, .readProject, .operateProject, .administerProject]
        #expect(projectData.allSatisfy { !Role.operator.permits($0) })
    }

    @Test("only operator keys are instance-wide")
    func instanceWide() {
        #expect(Role.allCases.filter(\.isInstanceWide) == [.operator])
    }

    @Test("a permission's roles are those that hold it")
    func rolesOfPermission() {
        #expect(Permission.operateProject.roles == [.operate, .admin])
        #expect(Permission.reloadRules.roles == [.operator])
        #expect(Permission.listRules.roles == [.read, .operate, .admin, .operator])
        #expect(Permission.checkQuota.roles == [.ingest, .read, .operate, .admin])
        for permission in Permission.allCases {
            #expect(permission.roles == Role.allCases.filter { $0.permits(permission) })
        }
    }

    @Test("project names follow the projects table's rule; the instance project's does not")
    func projectNames() {
        for good in ["a", "checkout", "Shop-2.eu_west", String(repeating: "x", count: 63)] {
            #expect(ProjectName.isValid(good), "\(good)")
        }
        for bad in ["", "_instance", InstanceProject.name, "-a", ".a", "has space", "é", String(repeating: "x", count: 64)] {
            #expect(!ProjectName.isValid(bad), "\(bad)")
        }
    }
}
