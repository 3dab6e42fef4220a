public import Hummingbird
internal import VigilCore

/// Refuses, before any query runs, a request whose query or path parameters Postgres could not
/// take or that are longer than `InputText.maxParameterLength` characters, or that carries more
/// than `maxQueryParameters` of them: a 400 naming the parameter. The one place the API checks every parameter's text; it runs inside a route group,
/// after the route matched, so path parameters are known.
public struct InputGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The most query parameters one request may carry (room for a dashboard export's 64
    /// variables of 100 values each).
    static var maxQueryParameters: Int { 8192 }

    /// Makes the middleware.
    public init() {}

    /// Checks the parameters, then runs the route.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try Self.check(query: request.uri.queryParameters, path: context.parameters)
        return try await next(request, context)
    }

    /// Checks every name and value of `query` and every value of `path`.
    /// - Throws: `VigilError` `.invalidInput` naming the first bad parameter.
    static func check(query: Parameters, path: Parameters) throws {
        var count = 0
        for (name, value) in query {
            count += 1
            guard count <= Self.maxQueryParameters else {
                throw VigilError(.invalidInput, "the query string has more than \(Self.maxQueryParameters) parameters")
            }
            if let problem = InputText.problem(name) {
                throw VigilError(.invalidInput, "a query parameter's name \(problem)")
            }
            if let problem = InputText.problem(value) {
                throw VigilError(.invalidInput, "query parameter \(InputText.shown(name)) \(problem)")
            }
        }
        for (name, value) in path {
            if let problem = InputText.problem(value) {
                throw VigilError(.invalidInput, "path parameter \(name) \(problem)")
            }
        }
    }
}
