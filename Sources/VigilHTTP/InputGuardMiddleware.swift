public import Hummingbird
internal import VigilCore

/// Refuses, before any query runs, a request whose query or path parameters Postgres could not
/// take or that are longer than `InputText.maxParameterLength` characters: a 400 naming the
/// parameter. The one place the API checks every parameter's text; it runs inside a route group,
/// after the route matched, so path parameters are known.
public struct InputGuardMiddleware<Context: RequestContext>: RouterMiddleware {
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
        for (name, value) in query {
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
