internal import PostgresNIO
public import VigilCore

/// Tells a database error caused by the data a client sent (its rows cannot be stored, whatever
/// the database's health) from one caused by the database's condition (down, restarting,
/// failing over, out of disk, out of connections), which a retry later may get past.
///
/// The difference decides between 400 and 503 for an export: a 400 tells the OTel SDK to drop
/// the data, so only errors that the same rows would meet again may give one.
public enum DatabaseFault {
    /// SQLSTATE classes that the rows themselves cause: 22 data exception (a string the server
    /// refuses, a number out of range), 23 integrity constraint violation, 54 program limit
    /// exceeded (a value too large to store).
    private static let dataClasses: Set<Substring> = ["22", "23", "54"]

    /// Whether `error` comes from the rows sent rather than from the database's condition.
    public static func isCausedByData(_ error: any Error) -> Bool {
        guard let psql = error as? PSQLError, let state = psql.serverInfo?[.sqlState], state.count == 5 else {
            return false
        }
        return dataClasses.contains(state.prefix(2))
    }

    /// What the client needs to fix its export, by SQLSTATE: never the server's own text, which
    /// may name tables, constraints or other requests' values.
    public static func clientMessage(_ error: any Error) -> String {
        let state = (error as? PSQLError)?.serverInfo?[.sqlState] ?? ""
        switch state {
        case "22P05", "22021":
            return "a string holds a character the event log cannot store (such as NUL); nothing of the export was stored"
        case "22003":
            return "a number is out of the range the event log stores; nothing of the export was stored"
        case _ where state.hasPrefix("54"):
            return "a value is too large to store; nothing of the export was stored"
        default:
            return "a value in the export cannot be stored; nothing of it was stored"
        }
    }

    /// Whether `error` is a statement the server cancelled (SQLSTATE 57014 `query_canceled`): in
    /// the API's pool, a query that ran past the sessions' `statement_timeout`.
    public static func isStatementTimeout(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "57014"
    }

    /// What a request whose query ran past the statement timeout is answered: 503 with
    /// `Retry-After`, and a message saying why, which names nothing of the database.
    public static let statementTimedOut = VigilError(
        .overloaded,
        "the query took too long and was cancelled (statement timeout); narrow the time range or the filters, or retry later",
        retryAfterSeconds: 5
    )
}
